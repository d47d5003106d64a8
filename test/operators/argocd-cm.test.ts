import { parse } from 'yaml';
import { operatorsPlatform } from './support';
import { ARGOCD_CM_CHART_DEFAULTS, ARGOCD_CM_DEFAULTS_CHART_VERSION, argoCdCmData } from '../../src/k8s';
import { ADDON_CHARTS } from '../../src/model/resolve/defaults';
import { renderPlatform } from '../../src/synth';

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

const rendered = renderPlatform({ platform: operatorsPlatform() });
const cm = (env: string): Record<string, string> => parse(rendered.files.get(`${env}/argocd-config/configmap-argocd-cm.yaml`)!).data;
const kinds = (exclusions: string): string[] => (parse(exclusions) as Json[]).flatMap((e) => e.kinds);

describe('argocd-cm keeps the argo-cd chart\'s defaults', () => {
  test('the defaults written out are those of the chart version the engine pins', () => {
    expect(ARGOCD_CM_DEFAULTS_CHART_VERSION).toBe(ADDON_CHARTS['argo-cd'].version);
  });

  test('the rendered argocd-cm excludes what the chart excludes: Endpoints, Leases, reviews, CSRs, policy reports', () => {
    const excluded = kinds(cm('prod')['resource.exclusions']);
    for (const kind of ['Endpoints', 'EndpointSlice', 'Lease', 'TokenReview', 'SubjectAccessReview', 'SelfSubjectReview', 'CertificateSigningRequest', 'PolicyReport']) {
      expect(excluded).toContain(kind);
    }
  });

  test('every default of the chart is in the rendered argocd-cm, beside our own keys', () => {
    const data = cm('dev');
    for (const key of Object.keys(ARGOCD_CM_CHART_DEFAULTS).filter((k) => k !== 'admin.enabled')) expect(data[key]).toBe(ARGOCD_CM_CHART_DEFAULTS[key]);
    expect(parse(data['resource.customizations.ignoreResourceUpdates.all'])).toEqual({ jsonPointers: ['/status'] });
    expect(data['resource.customizations.health.argoproj.io_Application']).toContain('obj.status.health');
    expect(data['application.resourceTrackingMethod']).toBe('annotation');
  });
});

describe('argoCdCmData merges instead of replacing', () => {
  const defaults = {
    'resource.exclusions': '- apiGroups: [coordination.k8s.io]\n  kinds: [Lease]\n',
    'resource.customizations.ignoreResourceUpdates.all': 'jsonPointers:\n  - /status\n',
    'timeout.reconciliation': '180s',
  };

  test('GIVEN an exclusion of ours WHEN merged THEN the chart\'s exclusions stay and ours follow', () => {
    const data = argoCdCmData({ 'resource.exclusions': '- apiGroups: [example.com]\n  kinds: [Noise]\n' }, defaults);
    expect(parse(data['resource.exclusions'])).toEqual([
      { apiGroups: ['coordination.k8s.io'], kinds: ['Lease'] },
      { apiGroups: ['example.com'], kinds: ['Noise'] },
    ]);
  });

  test('GIVEN ignored paths of ours for the same key WHEN merged THEN both lists are kept, once each', () => {
    const data = argoCdCmData({ 'resource.customizations.ignoreResourceUpdates.all': 'jsonPointers: [/status, /metadata/generation]\njqPathExpressions: [.x]\n' }, defaults);
    expect(parse(data['resource.customizations.ignoreResourceUpdates.all'])).toEqual({ jqPathExpressions: ['.x'], jsonPointers: ['/status', '/metadata/generation'] });
  });

  test('GIVEN a scalar of ours WHEN merged THEN it replaces the default; unrelated defaults are untouched', () => {
    const data = argoCdCmData({ 'timeout.reconciliation': '120s', 'url': 'https://argocd.example.com' }, defaults);
    expect(data['timeout.reconciliation']).toBe('120s');
    expect(data.url).toBe('https://argocd.example.com');
    expect(data['resource.exclusions']).toBe(defaults['resource.exclusions']);
  });
});
