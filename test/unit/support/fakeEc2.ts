/** A scripted EC2 client: each command is answered by name (an Error is thrown), and the calls are recorded. */
import type { EC2Client } from '@aws-sdk/client-ec2';

export function fakeEc2(answer: (name: string, input: Record<string, unknown>, n: number) => unknown): { ec2: EC2Client; calls: string[] } {
  const calls: string[] = [];
  const ec2 = {
    send: async (command: { constructor: { name: string }; input: Record<string, unknown> }) => {
      const name = command.constructor.name.replace(/Command$/, '');
      calls.push(`${name}${command.input.DryRun ? ' (DryRun)' : ''}`);
      const out = answer(name, command.input, calls.filter((c) => c.startsWith(name)).length);
      if (out instanceof Error) throw out;
      return out;
    },
  } as unknown as EC2Client;
  return { ec2, calls };
}

/** What EC2 throws for a DryRun that would have succeeded. */
export const dryRunOk = (): Error => Object.assign(new Error('Request would have succeeded, but DryRun flag is set.'), { name: 'DryRunOperation' });
