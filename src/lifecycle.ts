import type { Logger } from "pino";

/**
 * What the composition root starts in order and stops in reverse: every part of execlens that
 * holds a resource (a database, a port, a queue, a timer) is one.
 */
export interface Component {
  readonly name: string;
  /** Stops by `deadline` (epoch ms): finishes what is in flight while there is time, then lets go. */
  stop(deadline: number): Promise<void>;
}

/** Components started so far, to be stopped in reverse order under one deadline. */
export class Lifecycle {
  private readonly started: Component[] = [];

  constructor(private readonly logger: Logger) {}

  /** Keeps a started component; returns it for the wiring that follows. */
  add<T extends Component>(component: T): T {
    this.started.push(component);
    return component;
  }

  /**
   * Stops every component, last started first, all within `timeoutMs`: a failing stop does not
   * stop the others', and one still running at the deadline is left behind (named in the log)
   * so that the others are still stopped and shutdown ends.
   */
  async stop(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (const component of this.started.splice(0).reverse()) {
      const stopping = component.stop(deadline).catch((error: unknown) => {
        this.logger.warn({ err: error, component: component.name }, "stopping a component failed");
      });
      await closeBy(
        deadline,
        () => stopping,
        () =>
          this.logger.warn(
            { component: component.name, timeoutMs },
            "a component was still stopping at the shutdown deadline; left behind",
          ),
      );
    }
    if (Date.now() >= deadline)
      this.logger.warn({ timeoutMs }, "shutdown deadline passed; connections dropped");
  }
}

/** Runs `close`; if the deadline comes first, runs `force` and returns without waiting further. */
export async function closeBy(
  deadline: number,
  close: () => Promise<void>,
  force: () => void,
): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<"late">((resolve) => {
    timer = setTimeout(() => resolve("late"), Math.max(0, deadline - Date.now()));
  });
  const closing = close().then(() => "closed" as const);
  const outcome = await Promise.race([closing, late]);
  clearTimeout(timer);
  if (outcome === "late") force();
}
