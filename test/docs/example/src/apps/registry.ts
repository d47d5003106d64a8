/** The organisation's image registry (Artifact Registry). */
export const REGISTRY = 'europe-docker.pkg.dev/acme-artifacts/apps';
