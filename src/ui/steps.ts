// Small helpers for multi-step flows on top of the Prompter: `ask`/`choose` turn "cancelled" into a
// `Cancelled` exception, and `runSteps` walks the steps, going back one on `GoBack`.
import { isGoBack, type InputOptions, type PickItem, type PickOptions, type Prompter } from './prompter';

/** The person cancelled a prompt (Escape or closed it): the flow stops quietly. */
export class Cancelled extends Error {
  constructor() {
    super('cancelled');
    this.name = 'Cancelled';
  }
}

export async function ask(prompter: Prompter, options: InputOptions): Promise<string> {
  const value = await prompter.input(options);
  if (value === undefined) throw new Cancelled();
  return value;
}

export async function choose<T>(prompter: Prompter, items: readonly PickItem<T>[], options: PickOptions): Promise<T> {
  const value = await prompter.pick(items, options);
  if (value === undefined) throw new Cancelled();
  return value;
}

export interface StepContext {
  step: number;
  totalSteps: number;
  canGoBack: boolean;
}

export type Step = (ctx: StepContext) => Promise<void>;

/**
 * Runs the steps in order (a function is asked again before each step, so earlier answers can
 * change the later steps). A step that throws `GoBack` sends the flow to the previous step; a
 * `Cancelled` (or any other error) propagates.
 */
export async function runSteps(steps: readonly Step[] | (() => readonly Step[])): Promise<void> {
  const current = typeof steps === 'function' ? steps : () => steps;
  let i = 0;
  while (i < current().length) {
    const list = current();
    try {
      await list[i]({ step: i + 1, totalSteps: list.length, canGoBack: i > 0 });
      i++;
    } catch (e) {
      if (isGoBack(e)) {
        i = Math.max(0, i - 1);
        continue;
      }
      throw e;
    }
  }
}
