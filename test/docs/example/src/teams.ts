import { Alerts, type TeamSpec } from './model';

/** The teams of the example platform. Quotas can be raised per environment in environments/. */
export const teams: TeamSpec[] = [
  {
    name: 'storefront',
    owners: 'team-storefront@acme.example',
    description: 'The shop customers see: web front end and product catalogue',
    namespaces: ['storefront'],
    alerts: Alerts.slack({ channel: '#storefront-alerts' }),
  },
  {
    name: 'orders',
    owners: 'team-orders@acme.example',
    description: 'Order taking, fulfilment and reporting',
    namespaces: ['orders'],
    alerts: Alerts.email({ to: 'orders-oncall@acme.example' }),
  },
  {
    name: 'observability',
    owners: 'platform-team@acme.example',
    description: 'The platform\'s own services: the managed Prometheus query frontend',
    namespaces: ['observability'],
  },
];
