/**
 * Runs two collections at once (the identity side and the Exchange side of a scan share nothing): each gets a
 * signal that aborts when the job's signal does or when the other one fails. The first failure is rethrown only
 * once both have stopped, so no request of this attempt still writes to the checkpoint when the job moves on.
 */
export async function sideBySide<A, B>(
  outer: AbortSignal | undefined,
  first: (signal: AbortSignal) => Promise<A>,
  second: (signal: AbortSignal) => Promise<B>,
): Promise<[A, B]> {
  const failed = new AbortController();
  const signal = outer ? AbortSignal.any([outer, failed.signal]) : failed.signal;
  let firstError: { error: unknown } | undefined;
  const guard = async <T>(task: (signal: AbortSignal) => Promise<T>): Promise<T> => {
    try {
      return await task(signal);
    } catch (error) {
      // The sibling's abort error is a consequence, not the cause: keep the one that came first.
      firstError ??= { error };
      failed.abort(error);
      throw error;
    }
  };
  const [a, b] = await Promise.allSettled([guard(first), guard(second)]);
  if (firstError !== undefined) throw firstError.error;
  if (a.status === 'rejected' || b.status === 'rejected')
    throw new Error('unreachable: a task failed unseen');
  return [a.value, b.value];
}
