import type { RunId, ThreadId, UserId } from '../../domain/ids';

/** What a tool may know about the run calling it. */
export interface ToolContext {
  readonly userId: UserId;
  readonly threadId: ThreadId;
  readonly runId: RunId;
}

export interface AgentTool {
  readonly name: string;
  readonly description: string;
  execute(args: Record<string, unknown>, context: ToolContext): Promise<Record<string, unknown>>;
}

export class UnknownToolError extends Error {
  constructor(name: string) {
    super(`unknown tool "${name}"`);
    this.name = 'UnknownToolError';
  }
}

export class ToolRegistry {
  private readonly tools = new Map<string, AgentTool>();

  constructor(tools: readonly AgentTool[]) {
    for (const tool of tools) this.tools.set(tool.name, tool);
  }

  get(name: string): AgentTool {
    const tool = this.tools.get(name);
    if (tool === undefined) throw new UnknownToolError(name);
    return tool;
  }
}
