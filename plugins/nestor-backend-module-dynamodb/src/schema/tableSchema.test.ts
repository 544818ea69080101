import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { INDEXES, PK, SK, tableDefinition } from './tableSchema';

const deployDir = path.resolve(__dirname, '../../../../deploy/dynamodb');

function hasTerraform(): boolean {
  try {
    execFileSync('terraform', ['version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

describe('the table definition in deploy/dynamodb', () => {
  const expected = tableDefinition('nestor');

  it('is the same in the CloudFormation template', () => {
    const intrinsic = (name: string) => ({
      tag: `!${name}`,
      resolve: (value: string) => ({ [name]: value }),
    });
    const template = parse(
      readFileSync(path.join(deployDir, 'cloudformation.yaml'), 'utf8'),
      {
        customTags: [intrinsic('Ref'), intrinsic('Sub'), intrinsic('GetAtt')],
      },
    );
    const table = template.Resources.NestorTable.Properties;
    expect(table.BillingMode).toBe(expected.BillingMode);
    expect(table.KeySchema).toEqual(expected.KeySchema);
    expect(table.AttributeDefinitions).toEqual(expected.AttributeDefinitions);
    expect(table.GlobalSecondaryIndexes).toEqual(
      expected.GlobalSecondaryIndexes,
    );
    const policy =
      template.Resources.NestorStorePolicy.Properties.PolicyDocument
        .Statement[0];
    expect(policy.Resource).toEqual([
      { GetAtt: 'NestorTable.Arn' },
      { Sub: '${NestorTable.Arn}/index/*' },
    ]);
  });

  it('is the same in the Terraform file, which is valid HCL', () => {
    const tf = readFileSync(path.join(deployDir, 'main.tf'), 'utf8');
    expect(tf).toMatch(new RegExp(`hash_key\\s+= "${PK}"`));
    expect(tf).toMatch(new RegExp(`range_key\\s+= "${SK}"`));
    const indexes = tf.match(/indexes\s*=\s*\[([^\]]*)\]/)?.[1];
    expect(indexes?.split(',').map(s => s.trim().replace(/"/g, ''))).toEqual(
      Object.keys(INDEXES),
    );
    // each index is keyed <name>PK / <name>SK, as the store's definition says
    for (const index of Object.values(INDEXES)) {
      expect([index.pk, index.sk]).toEqual([
        `${index.name}PK`,
        `${index.name}SK`,
      ]);
    }
    expect(tf).toContain(
      'hash_key        = "${global_secondary_index.value}PK"',
    );
    expect(tf).toContain(
      'range_key       = "${global_secondary_index.value}SK"',
    );
    expect(tf).toContain('projection_type = "ALL"');
    if (!existsSync('/usr/local/bin/terraform') && !hasTerraform()) {
      // eslint-disable-next-line no-console
      console.warn(
        'terraform is not installed: skipping the HCL syntax check of deploy/dynamodb/main.tf',
      );
      return;
    }
    // `terraform fmt -check` parses the file (a syntax error fails) and checks its layout
    execFileSync('terraform', ['fmt', '-check', '-no-color', 'main.tf'], {
      cwd: deployDir,
      stdio: 'pipe',
    });
  });
});
