export interface Periodic {
  /** Stops the timer and resolves once a run in progress has finished. */
  stop(): Promise<void>;
}

/** Runs `task` every `intervalMs`, never two runs at once; a failed run is reported and the next one goes on. */
export function every(
  intervalMs: number,
  task: () => Promise<void>,
  onError: (error: unknown) => void,
): Periodic {
  let running: Promise<void> | undefined;
  const timer = setInterval(() => {
    running ??= task()
      .catch(onError)
      .finally(() => {
        running = undefined;
      });
  }, intervalMs);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
