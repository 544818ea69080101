import { ResourceDefinition, resourceDefinitionSchema } from '@nestor/plugin-nestor-common';

/** An item served by an upstream chart, with values per environment and parameter references; the document as a buffet file holds it. */
export function upstreamChartDocument() {
  return {
    apiVersion: 'nestor.io/v1alpha1',
    kind: 'ResourceDefinition',
    metadata: { name: 'web-service', owner: 'team-platform', description: 'A web service' },
    spec: {
      type: 'workload.web-service',
      version: '1.0.0',
      engine: 'helm',
      parameters: {
        type: 'object',
        required: ['image'],
        properties: {
          image: { type: 'string' },
          replicas: { type: 'integer', default: 2 },
          logLevel: { type: 'string', default: 'info' },
        },
      },
      outputs: ['url'],
      environments: ['dev', 'prod'],
      helm: {
        repo: 'oci://ghcr.io/stefanprodan/charts',
        chart: 'podinfo',
        version: '6.7.1',
        values: { replicaCount: '${replicas}', image: { repository: '${image}' }, ui: { message: 'cost $${ANNUAL}' } },
        environmentValues: { prod: { hpa: { enabled: true, maxReplicas: 10 } } },
        outputValues: { url: 'http://${release}-podinfo.${namespace}.svc:9898' },
      },
    },
  };
}

/** An item without an upstream chart: Nestor generates a wrapper chart from its templates; the document as a buffet file holds it. */
export function wrapperChartDocument() {
  return {
    apiVersion: 'nestor.io/v1alpha1',
    kind: 'ResourceDefinition',
    metadata: { name: 'static-site', owner: 'team-platform', description: 'A static site served by nginx' },
    spec: {
      type: 'workload.static-site',
      version: '2.1.0',
      engine: 'helm',
      parameters: {
        type: 'object',
        properties: {
          greeting: { type: 'string', default: 'hello' },
          replicas: { type: 'integer', default: 1 },
        },
      },
      environments: ['dev', 'prod'],
      helm: {
        chart: 'static-site',
        version: '2.1.0',
        values: { replicas: '${replicas}', image: 'nginx:1.27', page: { title: 'Welcome' } },
        environmentValues: { prod: { page: { title: 'Welcome to production' } } },
        templates: {
          'configmap.yaml': [
            'apiVersion: v1',
            'kind: ConfigMap',
            'metadata:',
            '  name: {{ .Release.Name }}-page',
            'data:',
            '  index.html: "<h1>{{ .Values.page.title }}</h1><p>{{ .Values.greeting }}</p>"',
          ].join('\n'),
          'deployment.yaml': [
            'apiVersion: apps/v1',
            'kind: Deployment',
            'metadata:',
            '  name: {{ .Release.Name }}',
            'spec:',
            '  replicas: {{ .Values.replicas }}',
            '  selector: { matchLabels: { app: "{{ .Release.Name }}" } }',
            '  template:',
            '    metadata: { labels: { app: "{{ .Release.Name }}" } }',
            '    spec:',
            '      containers:',
            '        - name: nginx',
            '          image: {{ .Values.image | quote }}',
          ].join('\n'),
          'service.yaml': {
            apiVersion: 'v1',
            kind: 'Service',
            metadata: { name: 'site' },
            spec: { ports: [{ port: 80 }], selector: { app: 'site' } },
          },
        },
      },
    },
  };
}

/** {@link upstreamChartDocument}, parsed. */
export function upstreamChartDefinition(): ResourceDefinition {
  return resourceDefinitionSchema.parse(upstreamChartDocument());
}

/** {@link wrapperChartDocument}, parsed. */
export function wrapperChartDefinition(): ResourceDefinition {
  return resourceDefinitionSchema.parse(wrapperChartDocument());
}
