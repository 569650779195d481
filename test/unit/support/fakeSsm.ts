// A fake SSM for the fleet transport's unit tests and bench: a real SDK client whose calls
// aws-sdk-client-mock answers as if every command ran at once, each instance printing what
// behave(instance, script) returns (moto records SendCommand but runs nothing).
import { GetCommandInvocationCommand, ListCommandInvocationsCommand, ListCommandsCommand, SendCommandCommand, SSMClient, type SendCommandCommandInput } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';

/** The last line a deploy script prints. */
export const resultLine = (status: string, release: string, previous = 'r0', step = status === 'deployed' ? 'done' : 'health'): string =>
  `rds-link: fetching\nRDS-LINK-RESULT {"status":"${status}","step":"${step}","release":"${release}","previous":"${previous}","detail":"d"}\n`;

/** An SSM whose every command "runs" at once: each instance answers with behave(id, script). */
/** `tagged`: the instances a tag target reaches. */
export function fakeSsm(behave: (id: string, script: string) => string, tagged: readonly string[] = []) {
  const client = new SSMClient({ region: 'eu-west-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
  const mock = mockClient(client);
  const commands = new Map<string, { input: SendCommandCommandInput; ids: string[] }>();
  mock.on(SendCommandCommand).callsFake((input: SendCommandCommandInput) => {
    const id = `cmd-${commands.size + 1}`;
    commands.set(id, { input, ids: input.Targets ? [...tagged] : [...(input.InstanceIds ?? [])] });
    return { Command: { CommandId: id } };
  });
  mock.on(ListCommandsCommand).callsFake(({ CommandId }: { CommandId: string }) => ({ Commands: [{ CommandId, Status: 'Success' }] }));
  // Two pages, so the paginator is exercised.
  mock.on(ListCommandInvocationsCommand).callsFake(({ CommandId, NextToken }: { CommandId: string; NextToken?: string }) => {
    const all = commands.get(CommandId)?.ids ?? [];
    const half = Math.ceil(all.length / 2);
    const page = NextToken ? all.slice(half) : all.slice(0, half);
    return { CommandInvocations: page.map((InstanceId) => ({ InstanceId, Status: 'Success' })), ...(NextToken || all.length < 2 ? {} : { NextToken: 'p2' }) };
  });
  mock.on(GetCommandInvocationCommand).callsFake(({ CommandId, InstanceId }: { CommandId: string; InstanceId: string }) => {
    const c = commands.get(CommandId);
    const script = c?.input.Parameters?.commands?.[0] ?? '';
    return { StandardOutputContent: behave(InstanceId, script), StandardErrorContent: '' };
  });
  return { client, mock, commands };
}
