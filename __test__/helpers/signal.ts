// Test helper: the wake-up that lets a test peer's reader sleep until data arrives or time runs out.

/** One reader waits on it; producers (socket and stream callbacks) call `notify()`. */
export class Signal {
  private wake: (() => void) | undefined

  /** Wakes the waiting reader, if there is one. */
  notify(): void {
    this.wake?.()
  }

  /**
   * Resolves once `ready()` holds. Before each sleep `failure()` may name a reason to stop (the
   * peer ended); after `ms` the promise rejects with `timeout()`.
   */
  async until(
    ready: () => boolean,
    ms: number,
    timeout: () => Error | Promise<Error>,
    failure: () => Error | undefined | Promise<Error | undefined> = () => undefined,
  ): Promise<void> {
    const deadline = Date.now() + ms
    while (!ready()) {
      const failed = await failure()
      if (failed) throw failed
      const left = deadline - Date.now()
      if (left <= 0) throw await timeout()
      await new Promise<void>(resolve => {
        const timer = setTimeout(resolve, left)
        this.wake = () => {
          clearTimeout(timer)
          resolve()
        }
      })
      this.wake = undefined
    }
  }
}
