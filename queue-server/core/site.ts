/** A site configuration compiled for fast lookups by the core. */
import { createPolicy, type RoutingPolicy } from './routing.ts';
import type { CounterDef, PriorityClassDef, ProcedureDef, ServiceDef, SiteConfig } from './site-config.ts';
import type { CounterSeed } from './state.ts';

export interface Site {
  config: SiteConfig;
  id: string;
  timeZone: string;
  services: Map<string, ServiceDef>;
  counters: Map<string, CounterDef>;
  procedures: Map<string, ProcedureDef>;
  classes: Map<string, PriorityClassDef>;
  policy: RoutingPolicy;
  waitTargetMinutes: number;
}

export function compileSite(config: SiteConfig, policyName = config.routingPolicy): Site {
  return {
    config,
    id: config.site.id,
    timeZone: config.site.timezone,
    services: new Map(config.services.map((s) => [s.id, s])),
    counters: new Map(config.counters.map((c) => [c.id, c])),
    procedures: new Map(config.procedures.map((p) => [p.id, p])),
    classes: new Map(config.priorityClasses.map((p) => [p.id, p])),
    policy: createPolicy(policyName, {
      classes: config.priorityClasses,
      maxWaitMinutes: config.targets.maxWaitMinutes,
    }),
    waitTargetMinutes: config.targets.waitMinutes,
  };
}

export function counterSeeds(site: Site): CounterSeed[] {
  return site.config.counters.map((c) => ({
    id: c.id,
    serviceIds: c.serviceIds,
    priorityCounter: c.priorityCounter ?? false,
  }));
}
