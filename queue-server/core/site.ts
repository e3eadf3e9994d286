/** A site configuration compiled for fast lookups by the core, and the site's policies read from it. */
import { APPOINTMENT_CLASS, ageOn, localMinuteOfDay, localWeekday } from '@oss/protocol';
import * as refuse from './refusals.ts';
import { createPolicy, type RoutingPolicy } from './routing.ts';
import type { CounterDef, PriorityClassDef, ProcedureDef, ServiceDef, SiteConfig } from './site-config.ts';
import type { CounterSeed, PriorityBasis } from './state.ts';

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

/** A service a citizen may take a ticket for: configured and not staff-only. */
export function publicService(site: Site, serviceId: string): ServiceDef {
  const service = site.services.get(serviceId);
  if (!service || service.public === false) refuse.unknownService(serviceId);
  return service;
}

/** Within the configured opening hours, in the site's time zone. */
export function isOpen(site: Site, now: number): boolean {
  const weekday = localWeekday(now, site.timeZone);
  const minute = localMinuteOfDay(now, site.timeZone);
  const toMinutes = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));
  return site.config.openingHours.some(
    (p) => p.days.includes(weekday) && minute >= toMinutes(p.open) && minute < toMinutes(p.close),
  );
}

/** Refuses a ticket outside opening hours when the site enforces them. */
export function requireOpen(site: Site, now: number): void {
  if (site.config.enforceOpeningHours && !isOpen(site, now)) refuse.outsideOpeningHours();
}

/** Refuses a procedure the site does not have, or one of another service. */
export function requireProcedureOf(site: Site, procedureId: string, serviceId: string): void {
  const procedure = site.procedures.get(procedureId);
  if (!procedure) refuse.unknownProcedure(procedureId);
  if (procedure.serviceId !== serviceId) refuse.procedureOfAnotherService();
}

export { APPOINTMENT_CLASS };

/**
 * The ticket's priority class: declared (only a `declarable` class), from the birth date, or from an
 * appointment checked in on time. An offline kiosk's merged ticket cannot have had its claim
 * checked, so a class it may not declare falls back to normal there instead of losing the ticket.
 */
export function priorityFor(
  site: Site,
  c: { priority?: string; birthDate?: string; appointmentId?: string },
  today: string,
  undeclarable: 'refuse' | 'normal' = 'refuse',
): { priority: string; basis: PriorityBasis } {
  let priority = 'normal';
  let basis: PriorityBasis = 'none';
  if (c.priority && c.priority !== 'normal') {
    const cls = site.classes.get(c.priority);
    if (!cls) refuse.unknownPriorityClass(c.priority);
    if (cls.declarable) {
      priority = c.priority;
      basis = 'declared';
    } else if (c.priority !== APPOINTMENT_CLASS || !c.appointmentId) {
      if (undeclarable === 'refuse') refuse.undeclarableClass(cls.name, c.priority === APPOINTMENT_CLASS);
    }
  }
  if (c.appointmentId && site.classes.has(APPOINTMENT_CLASS)) {
    priority = APPOINTMENT_CLASS;
    basis = 'appointment';
  }
  if (c.birthDate) {
    const age = ageOn(c.birthDate, today);
    for (const cls of site.classes.values()) {
      if (cls.minAge === undefined || age < cls.minAge) continue;
      if (cls.weight > (site.classes.get(priority)?.weight ?? 1)) {
        priority = cls.id;
        basis = 'birth-date';
      }
    }
  }
  return { priority, basis };
}
