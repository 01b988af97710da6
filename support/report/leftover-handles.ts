/**
 * Cucumber must exit on its own once the suite is done. If something the
 * suite opened is still keeping the process alive a few seconds after the
 * last AfterAll, this names it on stderr, so the leak can be fixed at its
 * source (never papered over with forceExit). The timer is unref'd: it never
 * keeps the process alive itself.
 */
export function reportLeftoverHandlesAfter(delayMs: number): void {
  const timer = setTimeout(() => {
    const handles = (process as unknown as { _getActiveHandles?: () => unknown[] })._getActiveHandles?.() ?? [];
    const described = handles.map(describeHandle).filter((text) => text !== undefined);
    process.stderr.write(
      `golden-path: the suite finished ${delayMs / 1000} s ago but the process is still held open by: ` +
        `${process.getActiveResourcesInfo().join(', ')}${described.length > 0 ? `\n  ${described.join('\n  ')}` : ''}\n`,
    );
  }, delayMs);
  timer.unref();
}

function describeHandle(handle: unknown): string | undefined {
  const socket = handle as { constructor?: { name?: string }; localPort?: number; remoteAddress?: string; remotePort?: number; destroyed?: boolean; pending?: boolean };
  const kind = socket.constructor?.name ?? 'handle';
  if (kind === 'Socket' || kind === 'TLSSocket') {
    return `${kind} local :${String(socket.localPort)} → ${String(socket.remoteAddress)}:${String(socket.remotePort)} (destroyed ${String(socket.destroyed)}, pending ${String(socket.pending)})`;
  }
  if (kind === 'Server') return `Server ${JSON.stringify((handle as { address?: () => unknown }).address?.())}`;
  return kind === 'WriteStream' || kind === 'ReadStream' ? undefined : kind;
}
