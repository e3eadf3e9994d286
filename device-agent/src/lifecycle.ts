/**
 * The agent's parts with a lifecycle (the store, each device, the profiles, the local server, the
 * MQTT link), as zigbee2mqtt's extensions: started in order, stopped in reverse, so that a part
 * stops before the parts it uses.
 */
import type { AgentLogger } from './log.ts';

export interface Component {
  /** Names the part in the log when it fails to stop. */
  readonly name: string;
  start?(): void | Promise<void>;
  stop(): void | Promise<void>;
}

export class Lifecycle {
  private readonly running: Component[] = [];

  constructor(private readonly log: AgentLogger) {}

  /** Starts `component` after the running ones; it will be stopped before them. */
  async start<C extends Component>(component: C): Promise<C> {
    await component.start?.();
    this.running.push(component);
    return component;
  }

  /** Stops every running component, the last started first; one that fails is logged, the rest still stop. */
  async stop(): Promise<void> {
    for (const component of this.running.splice(0).reverse()) {
      try {
        await component.stop();
      } catch (e) {
        this.log.warn({ component: component.name, err: String(e) }, 'stop failed');
      }
    }
  }
}
