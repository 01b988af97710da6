import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020';
import type { RunId, ThreadId, UserId } from '../../domain/ids';

/** What a tool may know about the run calling it. */
export interface ToolContext {
  readonly userId: UserId;
  readonly threadId: ThreadId;
  readonly runId: RunId;
}

/** A JSON Schema (draft 2020-12) of a tool's arguments: always an object. */
export interface ToolParameters {
  readonly type: 'object';
  readonly properties: Readonly<Record<string, unknown>>;
  readonly required?: readonly string[];
  readonly [keyword: string]: unknown;
}

/** What a model is told about a tool (the function-calling description of an LLM API). */
export interface ToolDescription {
  readonly name: string;
  readonly description: string;
  readonly parameters: ToolParameters;
}

export interface AgentTool extends ToolDescription {
  /** Called only with arguments that satisfy `parameters`. */
  execute(args: Record<string, unknown>, context: ToolContext): Promise<Record<string, unknown>>;
}

export class UnknownToolError extends Error {
  constructor(name: string) {
    super(`unknown tool "${name}"`);
    this.name = 'UnknownToolError';
  }
}

export class InvalidToolArgumentsError extends Error {
  constructor(toolName: string, problems: readonly string[]) {
    super(`invalid arguments for ${toolName}: ${problems.join('; ')}`);
    this.name = 'InvalidToolArgumentsError';
  }
}

/**
 * The tools' schemas are ours, written in code and checked against the
 * meta-schema by the unit tests: validating them again at every start would
 * cost ~80 ms of compiling the 2020-12 meta-schema.
 */
const ajv = new Ajv2020({ allErrors: true, validateSchema: false });

interface RegisteredTool {
  readonly tool: AgentTool;
  readonly checkArguments: ValidateFunction;
}

/** What a run needs of its tools: running one by name (planted faults may wrap it). */
export interface ToolExecutor {
  /** Run a tool with arguments chosen by a model: they are checked against the tool's schema first. */
  execute(name: string, args: Record<string, unknown>, context: ToolContext): Promise<Record<string, unknown>>;
}

/** The tools a model may call, each with its argument schema compiled once. */
export class ToolRegistry implements ToolExecutor {
  private readonly tools = new Map<string, RegisteredTool>();

  constructor(tools: readonly AgentTool[]) {
    for (const tool of tools) {
      if (this.tools.has(tool.name)) throw new Error(`two tools are called "${tool.name}"`);
      this.tools.set(tool.name, { tool, checkArguments: ajv.compile(tool.parameters) });
    }
  }

  /** Every tool, as a model is told about it. */
  list(): ToolDescription[] {
    return [...this.tools.values()].map(({ tool: { name, description, parameters } }) => ({ name, description, parameters }));
  }

  get(name: string): AgentTool {
    return this.registered(name).tool;
  }

  /** Run a tool with arguments chosen by a model: they are checked against the tool's schema first. */
  async execute(name: string, args: Record<string, unknown>, context: ToolContext): Promise<Record<string, unknown>> {
    const { tool, checkArguments } = this.registered(name);
    if (!checkArguments(args)) {
      const problems = (checkArguments.errors ?? []).map((e) => `${e.instancePath === '' ? '/' : e.instancePath} ${e.message ?? e.keyword}`);
      throw new InvalidToolArgumentsError(name, problems);
    }
    return tool.execute(args, context);
  }

  private registered(name: string): RegisteredTool {
    const registered = this.tools.get(name);
    if (registered === undefined) throw new UnknownToolError(name);
    return registered;
  }
}
