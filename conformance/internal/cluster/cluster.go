// Package cluster runs a real etcd and kube-apiserver on loopback.
//
// etcd runs in-process (go.etcd.io/etcd/server/v3/embed). kube-apiserver runs
// as a child process built from k8s.io/kubernetes/cmd/kube-apiserver: its main
// owns global flags, metrics, klog and its own signal handling, and a child in
// its own process group can be stopped (and its log kept) whatever happens here.
package cluster

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	clientv3 "go.etcd.io/etcd/client/v3"
	"go.etcd.io/etcd/server/v3/embed"
	"go.uber.org/zap"
	"k8s.io/client-go/rest"
)

// Cluster is one etcd shared by every API server of a run.
type Cluster struct {
	dir     string
	pki     *pki
	etcd    *embed.Etcd
	etcdURL string
	bin     string
}

// Start creates the temp dir, the certificates and an in-process etcd.
// apiserverBin is the kube-apiserver binary to run for each StartAPIServer.
func Start(apiserverBin string) (_ *Cluster, err error) {
	if _, err := os.Stat(apiserverBin); err != nil {
		return nil, fmt.Errorf("kube-apiserver binary: %w", err)
	}
	dir, err := os.MkdirTemp("", "conformance-")
	if err != nil {
		return nil, err
	}
	c := &Cluster{dir: dir, bin: apiserverBin}
	defer func() {
		if err != nil {
			c.Stop()
		}
	}()
	if c.pki, err = newPKI(dir); err != nil {
		return nil, err
	}
	clientPort, err := freePort()
	if err != nil {
		return nil, err
	}
	peerPort, err := freePort()
	if err != nil {
		return nil, err
	}
	cfg := embed.NewConfig()
	cfg.Name = "conformance"
	cfg.Dir = filepath.Join(dir, "etcd")
	client := url.URL{Scheme: "http", Host: net.JoinHostPort("127.0.0.1", strconv.Itoa(clientPort))}
	peer := url.URL{Scheme: "http", Host: net.JoinHostPort("127.0.0.1", strconv.Itoa(peerPort))}
	cfg.ListenClientUrls, cfg.AdvertiseClientUrls = []url.URL{client}, []url.URL{client}
	cfg.ListenPeerUrls, cfg.AdvertisePeerUrls = []url.URL{peer}, []url.URL{peer}
	cfg.InitialCluster = cfg.InitialClusterFromName(cfg.Name)
	cfg.LogLevel = "error"
	cfg.LogOutputs = []string{filepath.Join(dir, "etcd.log")}
	// The data is thrown away at the end of the run: no fsync, and far faster.
	cfg.UnsafeNoFsync = true
	e, err := embed.StartEtcd(cfg)
	if err != nil {
		return nil, fmt.Errorf("etcd: %w (log: %s)", err, tail(filepath.Join(dir, "etcd.log")))
	}
	c.etcd = e
	select {
	case <-e.Server.ReadyNotify():
	case <-time.After(60 * time.Second):
		return nil, errors.New("etcd: not ready after 60s")
	}
	c.etcdURL = client.String()
	return c, nil
}

// Stop stops etcd and removes the temp dir. Safe to call more than once.
func (c *Cluster) Stop() {
	if c.etcd != nil {
		c.etcd.Close()
		c.etcd = nil
	}
	if c.dir != "" {
		_ = os.RemoveAll(c.dir)
		c.dir = ""
	}
}

// APIServer is one running kube-apiserver.
type APIServer struct {
	Config *rest.Config
	cmd    *exec.Cmd
	done   chan error
	log    string
}

// StartAPIServer starts a kube-apiserver whose objects live under their own
// etcd prefix: each environment is a separate cluster, as in GKE, and nothing
// one environment applied (immutable fields, owners) leaks into the next.
func (c *Cluster) StartAPIServer(ctx context.Context, name string) (_ *APIServer, err error) {
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	logPath := filepath.Join(c.dir, "kube-apiserver-"+name+".log")
	logFile, err := os.Create(logPath)
	if err != nil {
		return nil, err
	}
	defer logFile.Close()
	args := []string{
		"--etcd-servers=" + c.etcdURL,
		"--etcd-prefix=/registry-" + name,
		"--bind-address=127.0.0.1",
		"--advertise-address=127.0.0.1",
		"--secure-port=" + strconv.Itoa(port),
		"--tls-cert-file=" + c.pki.serverCert,
		"--tls-private-key-file=" + c.pki.serverKey,
		"--client-ca-file=" + c.pki.caCert,
		"--service-account-issuer=https://kubernetes.default.svc.cluster.local",
		"--service-account-key-file=" + c.pki.saPub,
		"--service-account-signing-key-file=" + c.pki.saKey,
		"--service-cluster-ip-range=10.96.0.0/16",
		"--authorization-mode=Node,RBAC",
		// GKE admits privileged containers; Pod Security admission is what restricts them.
		"--allow-privileged=true",
		"--profiling=false",
		"--endpoint-reconciler-type=none",
		"--cert-dir=" + filepath.Join(c.dir, "certs-"+name),
	}
	cmd := exec.Command(c.bin, args...)
	cmd.Stdout, cmd.Stderr = logFile, logFile
	// Own process group (Ctrl-C reaches us, and we stop it); killed if we die.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("kube-apiserver: %w", err)
	}
	s := &APIServer{cmd: cmd, done: make(chan error, 1), log: logPath}
	go func() { s.done <- cmd.Wait() }()
	defer func() {
		if err != nil {
			s.Stop()
		}
	}()
	s.Config = &rest.Config{
		Host: "https://127.0.0.1:" + strconv.Itoa(port),
		TLSClientConfig: rest.TLSClientConfig{
			CAFile: c.pki.caCert, CertFile: c.pki.clientCert, KeyFile: c.pki.clientKey,
		},
		QPS: 500, Burst: 1000,
	}
	if err := s.waitReady(ctx, c.pki, 120*time.Second); err != nil {
		return nil, fmt.Errorf("kube-apiserver: %w\n--- last lines of its log ---\n%s", err, tail(logPath))
	}
	return s, nil
}

// waitReady polls /readyz, which turns 200 once every post-start hook
// (RBAC bootstrap, CRD establishing controllers, …) has run.
func (s *APIServer) waitReady(ctx context.Context, p *pki, timeout time.Duration) error {
	caPEM, err := os.ReadFile(p.caCert)
	if err != nil {
		return err
	}
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(caPEM)
	cert, err := tls.LoadX509KeyPair(p.clientCert, p.clientKey)
	if err != nil {
		return err
	}
	hc := &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{
		TLSClientConfig: &tls.Config{RootCAs: pool, Certificates: []tls.Certificate{cert}},
	}}
	deadline := time.Now().Add(timeout)
	for time.Now().Before(deadline) {
		select {
		case err := <-s.done:
			s.done <- err
			return fmt.Errorf("exited before it was ready: %v", err)
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(250 * time.Millisecond):
		}
		resp, err := hc.Get(s.Config.Host + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
	}
	return fmt.Errorf("not ready after %s", timeout)
}

// Stop sends SIGTERM, waits up to 15s, then kills. Safe to call more than once.
func (s *APIServer) Stop() {
	if s.cmd == nil || s.cmd.Process == nil {
		return
	}
	_ = syscall.Kill(-s.cmd.Process.Pid, syscall.SIGTERM)
	select {
	case <-s.done:
	case <-time.After(15 * time.Second):
		_ = syscall.Kill(-s.cmd.Process.Pid, syscall.SIGKILL)
		<-s.done
	}
	s.cmd = nil
}

// CopyPrefix copies every key under /registry-<from>/<sub> to
// /registry-<to>/<sub>: the CRDs one API server stored, given to the next, so
// each environment does not pay again for installing the same CRDs (~10s).
func (c *Cluster) CopyPrefix(ctx context.Context, from, to, sub string) (int, error) {
	cli, err := clientv3.New(clientv3.Config{Endpoints: []string{c.etcdURL}, DialTimeout: 5 * time.Second, Logger: zap.NewNop()})
	if err != nil {
		return 0, err
	}
	defer cli.Close()
	src := "/registry-" + from + "/" + sub
	resp, err := cli.Get(ctx, src, clientv3.WithPrefix())
	if err != nil {
		return 0, err
	}
	for _, kv := range resp.Kvs {
		key := "/registry-" + to + "/" + sub + strings.TrimPrefix(string(kv.Key), src)
		if _, err := cli.Put(ctx, key, string(kv.Value)); err != nil {
			return 0, err
		}
	}
	return len(resp.Kvs), nil
}

// Log returns the last lines of the API server's log.
func (s *APIServer) Log() string { return tail(s.log) }

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

func tail(path string) string {
	b, err := os.ReadFile(path)
	if err != nil {
		return "(" + err.Error() + ")"
	}
	lines := bytes.Split(bytes.TrimRight(b, "\n"), []byte("\n"))
	if len(lines) > 30 {
		lines = lines[len(lines)-30:]
	}
	return string(bytes.Join(lines, []byte("\n")))
}
