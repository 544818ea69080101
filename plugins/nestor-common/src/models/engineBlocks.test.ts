import { helmBlockSchema, pulumiBlockSchema, terraformBlockSchema } from './engineBlocks';

function issues(result: { success: boolean; error?: { issues: Array<{ path: PropertyKey[]; message: string }> } }) {
  return result.success ? [] : result.error!.issues.map(i => `${i.path.join('.')}: ${i.message}`);
}

describe('helmBlockSchema', () => {
  it('accepts an upstream chart with values per environment', () => {
    const result = helmBlockSchema.safeParse({
      repo: 'oci://ghcr.io/stefanprodan/charts',
      chart: 'podinfo',
      version: '6.7.1',
      values: { replicaCount: '${replicas}' },
      environmentValues: { prod: { hpa: { enabled: true } } },
    });
    expect(issues(result)).toEqual([]);
  });

  it('accepts a wrapper chart: templates and no repo', () => {
    const result = helmBlockSchema.safeParse({
      chart: 'static-site',
      version: '1.0.0',
      templates: { 'configmap.yaml': { apiVersion: 'v1', kind: 'ConfigMap' }, 'notes.txt': 'hello', 'all.yaml': [{ kind: 'A' }] },
    });
    expect(issues(result)).toEqual([]);
  });

  it('needs a repo for an upstream chart and refuses one for a wrapper chart', () => {
    expect(issues(helmBlockSchema.safeParse({ chart: 'x', version: '1.0.0' }))).toEqual([
      'repo: repo is required unless templates are given (a wrapper chart)',
    ]);
    expect(issues(helmBlockSchema.safeParse({ repo: 'https://charts.example.com', chart: 'x', version: '1.0.0', templates: { 'a.yaml': 'x' } }))).toEqual([
      'repo: a wrapper chart (templates) has no repo; remove one of them',
    ]);
  });

  it('names a bad repo URL and a bad template file name', () => {
    expect(issues(helmBlockSchema.safeParse({ repo: 'ftp://x', chart: 'x', version: '1' }))).toEqual([
      'repo: must be an https://, http:// or oci:// URL',
    ]);
    expect(issues(helmBlockSchema.safeParse({ chart: 'x', version: '1.0.0', templates: { '../evil.yaml': 'x' } }))).toEqual([
      'templates.../evil.yaml: must be a file name such as deployment.yaml (.yaml, .yml, .tpl or .txt)',
    ]);
  });
});

describe('terraformBlockSchema', () => {
  it('takes a module source, a version and fixed variables', () => {
    expect(issues(terraformBlockSchema.safeParse({ module: 'terraform-aws-modules/s3-bucket/aws', version: '~> 4.1', variables: { bucket: '${name}-x' } }))).toEqual([]);
    expect(issues(terraformBlockSchema.safeParse({ version: '1' }))).toEqual(['module: Invalid input: expected string, received undefined']);
  });

  it('lists sensitive outputs by name', () => {
    expect(issues(terraformBlockSchema.safeParse({ module: './db', sensitiveOutputs: ['password'] }))).toEqual([]);
    expect(issues(terraformBlockSchema.safeParse({ module: './db', sensitiveOutputs: 'password' }))).toEqual(['sensitiveOutputs: Invalid input: expected array, received string']);
    expect(issues(terraformBlockSchema.safeParse({ module: './db', sensitiveOutputs: [''] }))).toEqual(['sensitiveOutputs.0: Too small: expected string to have >=1 characters']);
  });
});

describe('pulumiBlockSchema', () => {
  it('takes a program with configuration and stack config', () => {
    const result = pulumiBlockSchema.safeParse({
      program: { resources: { q: { type: 'aws:sqs:Queue' } }, outputs: { url: '${q.url}' }, configuration: { size: { type: 'String' } } },
      config: { 'aws:region': '${region}' },
    });
    expect(issues(result)).toEqual([]);
  });

  it('needs a program', () => {
    expect(issues(pulumiBlockSchema.safeParse({}))).toEqual(['program: Invalid input: expected object, received undefined']);
  });
});
