import { Server } from 'node:http';

/** An http.Server whose close() also ends the live-event streams and open waits, which would otherwise hold it open. */
export class MockServer extends Server {
  #beforeClose: () => void = () => undefined;

  onBeforeClose(hook: () => void): void {
    this.#beforeClose = hook;
  }

  override close(callback?: (error?: Error) => void): this {
    this.#beforeClose();
    return super.close(callback);
  }
}
