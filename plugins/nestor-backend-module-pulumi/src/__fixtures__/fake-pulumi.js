#!/usr/bin/env node
/* A stand-in for the pulumi CLI (none is installed here): it records each
 * call and answers the few commands Nestor's CLI mode runs. It does not
 * deploy anything. */
const fs = require('node:fs');
const path = require('node:path');

const args = process.argv.slice(2);
fs.appendFileSync(
  process.env.FAKE_PULUMI_LOG,
  `${JSON.stringify({ args, cwd: process.cwd(), backend: process.env.PULUMI_BACKEND_URL, passphrase: process.env.PULUMI_CONFIG_PASSPHRASE })}\n`,
);
const program = fs.existsSync('Pulumi.yaml') ? fs.readFileSync('Pulumi.yaml', 'utf8') : '';
const command = args.filter(a => !a.startsWith('-')).slice(0, 2).join(' ');
if (command === 'version') {
  process.stdout.write('v3.999.0-fake\n');
} else if (command.startsWith('up') && program.includes('FAIL_UP')) {
  process.stderr.write('error: aws:sqs:Queue queue: InvalidParameterValue: Value FAIL_UP for parameter Name is invalid\n');
  process.exit(255);
} else if (command.startsWith('up') && program.includes('BUSY')) {
  process.stderr.write('error: the stack is currently locked by 1 lock(s).\n');
  process.exit(255);
} else if (command === 'stack output') {
  process.stdout.write(JSON.stringify({ namespace: 'from-fake-pulumi', project: path.basename(path.dirname(process.cwd())) }));
}
