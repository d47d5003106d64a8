// Command conformance applies every environment of a rendered tree to a real
// kube-apiserver + etcd, in Argo CD's order, and fails on what the server
// rejects, warns about, or stores differently (as Argo CD's diff sees it).
// See docs/conformance.md. Run it through `npm run conformance`.
package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"time"

	etcdversion "go.etcd.io/etcd/api/v3/version"
	"k8s.io/client-go/discovery"

	"platform-definition/conformance/internal/check"
	"platform-definition/conformance/internal/cluster"
	"platform-definition/conformance/internal/tree"
)

func main() { os.Exit(run()) }

func run() int {
	self, _ := os.Executable()
	dir := flag.String("dir", "dist", "rendered tree: one directory per environment")
	crds := flag.String("crds", filepath.Join("..", "shared", "reference", "crds"), "directory of CustomResourceDefinition YAML files to install first (comma-separated for several)")
	apiserver := flag.String("apiserver", filepath.Join(filepath.Dir(self), "kube-apiserver"), "kube-apiserver binary")
	selfTest := flag.Bool("self-test", false, "run the harness on its own fixtures (conformance/selftest) and check it reports what they expect")
	fixtures := flag.String("fixtures", filepath.Join("conformance", "selftest"), "fixtures of --self-test")
	envs := flag.String("env", "", "comma-separated environments to check (default: all)")
	plan := flag.Bool("plan", false, "print the apply order (Application, phase, wave, object, file) and exit; starts no server")
	flag.Parse()

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	if *selfTest {
		// The fixtures' own CRD (a defaulted list-item field) beside the upstream ones.
		*dir = filepath.Join(*fixtures, "dist")
		*crds += "," + filepath.Join(*fixtures, "crds")
	}
	findings, code := conform(ctx, *dir, *crds, *apiserver, *envs, *plan)
	if ctx.Err() != nil {
		fmt.Println("conformance: interrupted; servers stopped, temp files removed")
		return 130
	}
	if *selfTest && code != 2 {
		return verify(findings, filepath.Join(*fixtures, "expect.txt"), *dir)
	}
	return code
}

func step(format string, args ...any) {
	fmt.Printf("conformance: "+format+"\n", args...)
}

// conform runs the whole check; exit code 0 (clean), 1 (findings), 2 (harness failure).
func conform(ctx context.Context, dir, crdDir, apiserver, only string, plan bool) ([]check.Finding, int) {
	start := time.Now()
	envs, err := tree.Load(dir, tree.Options{PullRequest: tree.DefaultPullRequest})
	if err != nil {
		step("error: %v", err)
		return nil, 2
	}
	if only != "" {
		want := map[string]bool{}
		for _, e := range strings.Split(only, ",") {
			want[strings.TrimSpace(e)] = true
		}
		var kept []*tree.Env
		for _, e := range envs {
			if want[e.Name] {
				kept = append(kept, e)
			}
		}
		envs = kept
	}
	if plan {
		for _, e := range envs {
			for i, o := range e.Objects {
				fmt.Printf("%s %3d  %-22s %-8s wave %3d  %s %s/%s  %s\n", e.Name, i+1, o.App, o.Phase, o.Wave, o.U.GetKind(), o.U.GetNamespace(), o.U.GetName(), o.File)
			}
			for _, n := range e.Notes {
				step("note: %s: %s", e.Name, n)
			}
		}
		return nil, 0
	}
	crds, err := check.ReadCRDs(strings.Split(crdDir, ","))
	if err != nil {
		step("error: %v", err)
		return nil, 2
	}
	total := 0
	for _, e := range envs {
		total += len(e.Objects)
	}
	step("read %d objects in %d environments from %s (previews built with kustomize for sample PR #%s)", total, len(envs), dir, tree.DefaultPullRequest["number"])

	step("starting etcd %s (in-process, 127.0.0.1)", etcdversion.Version)
	c, err := cluster.Start(apiserver)
	if err != nil {
		step("error: %v", err)
		return nil, 2
	}
	defer c.Stop()

	var all []check.Finding
	var sums []check.Summary
	crdsFrom := ""
	for _, env := range envs {
		if crdsFrom != "" {
			if _, err := c.CopyPrefix(ctx, crdsFrom, env.Name, "apiextensions.k8s.io/customresourcedefinitions/"); err != nil {
				step("error: %s: copying CRDs in etcd: %v", env.Name, err)
				return nil, 2
			}
		}
		t := time.Now()
		s, err := c.StartAPIServer(ctx, env.Name)
		if err != nil {
			step("error: %s: %v", env.Name, err)
			return nil, 2
		}
		findings, sum, err := checkEnv(ctx, s, env, crds, crdDir, crdsFrom, time.Since(t))
		s.Stop()
		crdsFrom = env.Name
		if err != nil {
			step("error: %s: %v", env.Name, err)
			return nil, 2
		}
		for _, f := range findings {
			fmt.Println(f.String())
		}
		for _, n := range env.Notes {
			step("note: %s: %s", env.Name, n)
		}
		step("%s: %d objects: %d rejected, %d warned, %d drifted", env.Name, sum.Objects, sum.Rejected, sum.Warned, sum.Drifted)
		all = append(all, findings...)
		sums = append(sums, sum)
	}
	var tot check.Summary
	for _, s := range sums {
		tot.Objects += s.Objects
		tot.Rejected += s.Rejected
		tot.Warned += s.Warned
		tot.Drifted += s.Drifted
	}
	step("done in %.1fs", time.Since(start).Seconds())
	fmt.Printf("conformance: %d objects in %d environments: %d rejected, %d warned, %d drifted\n", tot.Objects, len(envs), tot.Rejected, tot.Warned, tot.Drifted)
	if tot.Rejected+tot.Warned+tot.Drifted > 0 {
		return all, 1
	}
	return all, 0
}

func checkEnv(ctx context.Context, s *cluster.APIServer, env *tree.Env, crds []check.CRD, crdDir, copiedFrom string, startup time.Duration) ([]check.Finding, check.Summary, error) {
	version := "?"
	if dc, err := discovery.NewDiscoveryClientForConfig(s.Config); err == nil {
		if v, err := dc.ServerVersion(); err == nil {
			version = v.GitVersion
		}
	}
	step("%s: kube-apiserver %s ready in %.1fs (%s)", env.Name, version, startup.Seconds(), s.Config.Host)
	c, err := check.NewClient(s.Config)
	if err != nil {
		return nil, check.Summary{}, err
	}
	t := time.Now()
	if copiedFrom != "" {
		// Stored by the previous environment's identical API server, copied in etcd.
		if err := check.WaitCRDs(ctx, c, crds); err != nil {
			return nil, check.Summary{}, fmt.Errorf("CRDs copied from %s: %w", copiedFrom, err)
		}
		step("%s: %d CRDs (as %s stored them) Established in %.1fs", env.Name, len(crds), copiedFrom, time.Since(t).Seconds())
	} else {
		if err := check.InstallCRDs(ctx, c, crds, os.Stdout); err != nil {
			return nil, check.Summary{}, fmt.Errorf("installing CRDs: %w", err)
		}
		step("%s: %d CRDs from %s Established in %.1fs", env.Name, len(crds), crdDir, time.Since(t).Seconds())
	}
	t = time.Now()
	findings, sum, err := check.ApplyEnv(ctx, c, env)
	if err == nil {
		step("%s: applied %d objects (server-side apply, field manager %s) in %.1fs", env.Name, sum.Objects, check.FieldManager, time.Since(t).Seconds())
	}
	return findings, sum, err
}

// verify checks the self-test's findings against expect.txt: each line is
// `<category> <file under the tree> <Kind> <name> <text in the message>`.
// Every expectation must match a finding and every finding an expectation.
func verify(findings []check.Finding, expectFile, dir string) int {
	f, err := os.Open(expectFile)
	if err != nil {
		step("self-test: %v", err)
		return 2
	}
	defer f.Close()
	type expect struct{ cat, file, kind, name, text, line string }
	var exps []expect
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		p := strings.SplitN(line, " ", 5)
		if len(p) < 5 {
			step("self-test: %s: malformed line %q", expectFile, line)
			return 2
		}
		exps = append(exps, expect{p[0], p[1], p[2], p[3], p[4], line})
	}
	used := make([]bool, len(findings))
	passed, failed := 0, 0
	for _, e := range exps {
		hit := false
		for i, fd := range findings {
			o := fd.Object
			if string(fd.Category) == e.cat && o.File == filepath.Join(dir, e.file) &&
				o.U.GetKind() == e.kind && o.U.GetName() == e.name && strings.Contains(fd.Message, e.text) {
				used[i], hit = true, true
			}
		}
		if hit {
			passed++
			fmt.Printf("self-test: ok      %s\n", e.line)
		} else {
			failed++
			fmt.Printf("self-test: MISSING %s\n", e.line)
		}
	}
	var extra []string
	for i, fd := range findings {
		if !used[i] {
			extra = append(extra, fd.String())
		}
	}
	sort.Strings(extra)
	for _, x := range extra {
		failed++
		fmt.Printf("self-test: UNEXPECTED %s\n", x)
	}
	fmt.Printf("self-test: %d passed, %d failed\n", passed, failed)
	if failed > 0 {
		return 1
	}
	return 0
}
