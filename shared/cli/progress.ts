/** A one-line progress indicator on a terminal's stderr; silent elsewhere, so logs and pipes stay clean. */
export interface Progress {
  tick(): void;
  done(): void;
}

const SILENT: Progress = { tick() {}, done() {} };
const MIN_EVENTS_FOR_PROGRESS = 200;
const REDRAW_EVERY = 50;

export function progressOn(stream: NodeJS.WriteStream, expectMany: boolean): Progress {
  if (!stream.isTTY || !expectMany) return SILENT;
  let seen = 0;
  return {
    tick() {
      seen += 1;
      if (seen >= MIN_EVENTS_FOR_PROGRESS && seen % REDRAW_EVERY === 0)
        stream.write(`\r  analysed ${seen} events…`);
    },
    done() {
      if (seen >= MIN_EVENTS_FOR_PROGRESS) stream.write(`\r  analysed ${seen} events.   \n`);
    },
  };
}
