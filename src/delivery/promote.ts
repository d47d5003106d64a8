import {
  ADDON_NAMES, AddonName, DeclaredIn, EnvironmentSpec, PlatformSpec, ReleaseEntry, addonVersion, badVersionsIn, isBadVersion, releaseFile, suggest,
} from '../model';

/** Why a promotion was refused; nothing is changed. */
export class PromotionRefused extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PromotionRefused';
  }
}

export interface PromotionRequest {
  /** Apps (and add-ons, by name: `argo-cd`, `external-secrets`, `argo-rollouts`) to promote; empty with `all`. */
  readonly apps: readonly string[];
  /** Promote every app and add-on whose version differs from the previous environment's. */
  readonly all?: boolean;
  /** Target environment. */
  readonly to: string;
  /** Source environment; must be the one just before `to` in promotion order. @default the previous environment */
  readonly from?: string;
  /** The version (tag) expected in the source, as a check. @default - whatever runs there */
  readonly version?: string;
  /** Which file declares each environment, named in refusals. @default - each one's sourceFile */
  readonly declaredIn?: DeclaredIn;
}

/** One app moving from one version to another. */
export interface PromotedApp {
  readonly app: string;
  readonly from: ReleaseEntry;
  /** The target's version before, if it had one. */
  readonly previous?: ReleaseEntry;
}

/** One add-on's chart moving from one version to another. */
export interface PromotedAddon {
  readonly addon: AddonName;
  /** The source's chart version. */
  readonly version: string;
  /** The target's version before. */
  readonly previous: string;
}

export interface PromotionPlan {
  readonly from: string;
  readonly to: string;
  readonly promoted: readonly PromotedApp[];
  readonly promotedAddons: readonly PromotedAddon[];
  /** Apps and add-ons already at the source's version. */
  readonly unchanged: readonly string[];
  /** With `all`: apps left out, and why (disabled in the target or the source, not running in the source, a version marked bad). Named apps are refused instead. */
  readonly skipped: ReadonlyArray<{ readonly app: string; readonly reason: string }>;
  /** The target's release file path and its new text. */
  readonly releaseFile: string;
  readonly releaseText: string;
  /** The platform as it will be after the promotion (the target's release replaced). */
  readonly platform: PlatformSpec;
}

type ReleaseContent = { apps?: Record<string, ReleaseEntry>; addons?: Record<string, { version: string }>; [key: string]: unknown };

const isAddon = (name: string): name is AddonName => (ADDON_NAMES as readonly string[]).includes(name);

/**
 * Plans a promotion: copies the version (tag and digest) of each app from the
 * previous environment in promotion order into the target's release file.
 * Pure: reads the declarations, returns the new file and platform; throws
 * {@link PromotionRefused} with the reason when the promotion is not allowed.
 */
export function planPromotion(platform: PlatformSpec, request: PromotionRequest): PromotionPlan {
  const envs = platform.environments;
  const names = envs.map((e) => e.name);
  const index = names.indexOf(request.to);
  if (index < 0) throw new PromotionRefused(`unknown environment "${request.to}" (${suggest(request.to, names)}); environments in promotion order: ${names.join(' → ')}`);
  if (index === 0) {
    throw new PromotionRefused(`"${request.to}" is the first environment: there is nothing to promote from. Set the version in ${envs[0].release.file} (a build pipeline usually does)`);
  }
  const source = envs[index - 1];
  const target = envs[index];
  if (request.from !== undefined && request.from !== source.name) {
    throw new PromotionRefused(`promotion goes in order ${names.join(' → ')}: "${request.to}" receives versions from "${source.name}", not from "${request.from}". `
      + `Promote to ${names.slice(names.indexOf(request.from) + 1, index).map((n) => `"${n}"`).join(', ') || `"${request.from}"`} first`);
  }
  const sourceApps = releaseApps(source);
  const targetContent = (target.release.content ?? {}) as ReleaseContent;
  const targetApps = releaseApps(target);
  const declared = new Set(platform.apps.map((a) => a.name));
  const bad = badVersionsIn(envs);

  const named = request.all ? [...Object.keys(sourceApps).sort(), ...ADDON_NAMES] : [...request.apps];
  if (named.length === 0) throw new PromotionRefused('name the apps to promote, or pass --all');
  const apps = named.filter((n) => !isAddon(n) || declared.has(n));
  const addons = named.filter((n): n is AddonName => isAddon(n) && !declared.has(n));
  if (request.all && request.version !== undefined) throw new PromotionRefused('--version checks one app\'s version; it cannot be used with --all');

  const promoted: PromotedApp[] = [];
  const unchanged: string[] = [];
  const skipped: Array<{ app: string; reason: string }> = [];
  for (const app of apps) {
    if (!declared.has(app)) throw new PromotionRefused(`unknown app "${app}" (${suggest(app, [...declared, ...ADDON_NAMES])})`);
    // --all promotes what can be promoted: an app that does not run on both sides (a dev-only app) is left out and listed.
    const disabledIn = [target, source].find((e) => e.apps?.[app]?.enabled === false);
    if (request.all && disabledIn) {
      skipped.push({ app, reason: `disabled in "${disabledIn.name}"` });
      continue;
    }
    if (disabledIn === target) {
      const file = target.sourceFile ?? request.declaredIn?.(target);
      throw new PromotionRefused(`"${app}" is disabled in "${target.name}"${file ? ` (${file})` : ''}; enable it there first`);
    }
    const entry = sourceApps[app];
    if (!entry || disabledIn === source) {
      // A renamed app has its versions under its old name: say so instead of "deploy it first".
      const stale = Object.keys(sourceApps).filter((n) => !declared.has(n));
      const fix = stale.length > 0
        ? `, which still names ${stale.map((n) => `"${n}"`).join(', ')}, an app no longer declared. If you renamed "${app}", rename its entries in every release file and override first (npm run synth lists them)`
        : `. Deploy it to "${source.name}" first`;
      throw new PromotionRefused(`"${app}" is not running in "${source.name}": it has no version in ${source.release.file}${fix}`);
    }
    if (request.version !== undefined && entry.tag !== request.version) {
      throw new PromotionRefused(`version ${request.version} of "${app}" is not running in "${source.name}" (it runs ${entry.tag}); only what runs in "${source.name}" can be promoted to "${target.name}"`);
    }
    if (target.tier?.isProduction && !entry.digest) {
      throw new PromotionRefused(`"${app}" ${entry.tag} has no digest in ${source.release.file}; "${target.name}" is production and runs images by digest only. Add the digest the registry reports (sha256:…) in "${source.name}" first`);
    }
    const marked = bad.find((b) => b.app === app && isBadVersion(entry, b));
    if (marked) {
      const why = `${entry.tag} is marked bad in ${marked.file}: ${marked.reason}`;
      if (request.all) {
        skipped.push({ app, reason: why });
        continue;
      }
      throw new PromotionRefused(`"${app}" ${why}. Ship a fixed version to "${source.name}" first, or remove the mark if it was wrong`);
    }
    const previous = targetApps[app];
    if (previous && previous.tag === entry.tag && previous.digest === entry.digest) {
      unchanged.push(app);
      continue;
    }
    promoted.push({ app, from: entry, previous });
  }

  // An add-on runs everywhere: its version moves as the release files say, else as declared or pinned.
  const promotedAddons: PromotedAddon[] = [];
  for (const addon of addons) {
    if (request.version !== undefined && addonVersion(source, platform, addon) !== request.version) {
      throw new PromotionRefused(`version ${request.version} of "${addon}" is not running in "${source.name}" (it runs ${addonVersion(source, platform, addon)}); only what runs in "${source.name}" can be promoted to "${target.name}"`);
    }
    const version = addonVersion(source, platform, addon);
    const previous = addonVersion(target, platform, addon);
    // --all names the add-ons itself: those already in step are not worth a line.
    if (version === previous) {
      if (!request.all) unchanged.push(addon);
    } else {promotedAddons.push({ addon, version, previous });}
  }

  const nextApps: Record<string, ReleaseEntry> = { ...targetApps };
  for (const p of promoted) nextApps[p.app] = { tag: p.from.tag, ...(p.from.digest ? { digest: p.from.digest } : {}) };
  const sorted = Object.fromEntries(Object.keys(nextApps).sort().map((k) => [k, nextApps[k]]));
  const nextAddons: Record<string, { version: string }> = { ...(targetContent.addons ?? {}) };
  for (const p of promotedAddons) nextAddons[p.addon] = { version: p.version };
  const addonKeys = Object.keys(nextAddons).sort();
  const addonEntries = addonKeys.length > 0 ? { addons: Object.fromEntries(addonKeys.map((k) => [k, nextAddons[k]])) } : {};
  const nextContent = { ...targetContent, apps: sorted, ...addonEntries };
  const nextTarget: EnvironmentSpec = { ...target, release: releaseFile(target.release.file, nextContent) };
  return {
    from: source.name,
    to: target.name,
    promoted,
    promotedAddons,
    unchanged,
    skipped,
    releaseFile: target.release.file,
    releaseText: `${JSON.stringify(nextContent, null, 2)}\n`,
    platform: { ...platform, environments: envs.map((e) => (e === target ? nextTarget : e)) },
  };
}

function releaseApps(env: EnvironmentSpec): Record<string, ReleaseEntry> {
  const content = env.release?.content as ReleaseContent | undefined;
  return (content?.apps && typeof content.apps === 'object') ? content.apps : {};
}
