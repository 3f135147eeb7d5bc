#!/usr/bin/env python3
"""Regenerates the OpenAPI schemas the sandbox serves (kubectl explain, apply's patch metadata).

    make_schemas.py SWAGGER_JSON CNPG_CRD_DIR

SWAGGER_JSON: Kubernetes 1.32's api/openapi-spec/swagger.json (kubernetes-client/python v32.0.1 ships it
unchanged as kubernetes/swagger.json.unprocessed). CNPG_CRD_DIR: CloudNativePG v1.21.1's config/crd/bases.
Writes kubernetes-1.32.json (the definitions the served kinds reach, refs rewritten to OpenAPI v3's
#/components/schemas and wrapped in allOf as the API server's v3 documents do) and cnpg-1.21.json (the
openAPIV3Schema of Cluster, Backup, ScheduledBackup, cut below MAX_DEPTH levels). Both are Apache-2.0: NOTICE.md.
"""
import json
import os
import sys

import yaml

ROOTS = ['io.k8s.api.core.v1.' + k for k in
         ('Pod', 'Service', 'Endpoints', 'ConfigMap', 'Secret', 'ServiceAccount', 'Event', 'Node', 'Namespace')] + [
    'io.k8s.api.apps.v1.Deployment', 'io.k8s.api.apps.v1.ReplicaSet', 'io.k8s.api.autoscaling.v1.Scale',
    'io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.CustomResourceDefinition',
    'io.k8s.apimachinery.pkg.apis.meta.v1.Status', 'io.k8s.apimachinery.pkg.apis.meta.v1.DeleteOptions']
MAX_DEPTH = 4  # CNPG: spec.backup.barmanObjectStore.wal keeps its fields; deeper objects keep only a description

# metrics-server's types (k8s.io/metrics pkg/apis/metrics/v1beta1/types.go): not in the Kubernetes spec.
METRICS = {
    'io.k8s.metrics.pkg.apis.metrics.v1beta1.PodMetrics': {
        'description': 'PodMetrics sets resource usage metrics of a pod.',
        'type': 'object',
        'properties': {
            'apiVersion': {'type': 'string', 'description': 'APIVersion defines the versioned schema of this representation of an object.'},
            'kind': {'type': 'string', 'description': 'Kind is a string value representing the REST resource this object represents.'},
            'metadata': {'allOf': [{'$ref': '#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta'}],
                         'default': {}, 'description': "Standard object's metadata."},
            'timestamp': {'allOf': [{'$ref': '#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.Time'}],
                          'description': 'The following fields define time interval from which metrics were collected from the interval [Timestamp-Window, Timestamp].'},
            'window': {'type': 'string', 'description': 'The length of the time window the metrics were collected over.'},
            'containers': {'type': 'array', 'description': 'Metrics for all containers are collected within the same time window.',
                           'items': {'allOf': [{'$ref': '#/components/schemas/io.k8s.metrics.pkg.apis.metrics.v1beta1.ContainerMetrics'}], 'default': {}}},
        },
        'required': ['timestamp', 'window', 'containers'],
        'x-kubernetes-group-version-kind': [{'group': 'metrics.k8s.io', 'kind': 'PodMetrics', 'version': 'v1beta1'}],
    },
    'io.k8s.metrics.pkg.apis.metrics.v1beta1.ContainerMetrics': {
        'description': 'ContainerMetrics sets resource usage metrics of a container.',
        'type': 'object',
        'properties': {
            'name': {'type': 'string', 'default': '', 'description': 'Container name corresponding to the one from pod.spec.containers.'},
            'usage': {'type': 'object', 'description': 'The memory usage is the memory working set.',
                      'additionalProperties': {'allOf': [{'$ref': '#/components/schemas/io.k8s.apimachinery.pkg.api.resource.Quantity'}]}},
        },
        'required': ['name', 'usage'],
    },
    'io.k8s.metrics.pkg.apis.metrics.v1beta1.NodeMetrics': {
        'description': 'NodeMetrics sets resource usage metrics of a node.',
        'type': 'object',
        'properties': {
            'apiVersion': {'type': 'string', 'description': 'APIVersion defines the versioned schema of this representation of an object.'},
            'kind': {'type': 'string', 'description': 'Kind is a string value representing the REST resource this object represents.'},
            'metadata': {'allOf': [{'$ref': '#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta'}],
                         'default': {}, 'description': "Standard object's metadata."},
            'timestamp': {'allOf': [{'$ref': '#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.Time'}],
                          'description': 'The following fields define time interval from which metrics were collected from the interval [Timestamp-Window, Timestamp].'},
            'window': {'type': 'string', 'description': 'The length of the time window the metrics were collected over.'},
            'usage': {'type': 'object', 'description': 'The memory usage is the memory working set.',
                      'additionalProperties': {'allOf': [{'$ref': '#/components/schemas/io.k8s.apimachinery.pkg.api.resource.Quantity'}]}},
        },
        'required': ['timestamp', 'window', 'usage'],
        'x-kubernetes-group-version-kind': [{'group': 'metrics.k8s.io', 'kind': 'NodeMetrics', 'version': 'v1beta1'}],
    },
}


def to_v3(node):
    """A swagger 2 schema with #/definitions refs -> OpenAPI v3 (#/components/schemas, allOf beside siblings)."""
    if isinstance(node, list):
        return [to_v3(v) for v in node]
    if not isinstance(node, dict):
        return node
    out = {}
    for k, v in node.items():
        if k == 'properties' and isinstance(v, dict):
            out[k] = {name: to_v3(p) for name, p in v.items()}  # a property may be called "$ref"
        else:
            out[k] = to_v3(v)
    ref = out.get('$ref')
    if isinstance(ref, str):
        ref = ref.replace('#/definitions/', '#/components/schemas/')
        del out['$ref']
        if out:
            out['allOf'] = [{'$ref': ref}]
        else:
            out['$ref'] = ref
    return out


def closure(defs):
    seen = []

    def walk(o):
        if isinstance(o, dict):
            for k, v in o.items():
                if k == '$ref' and isinstance(v, str):
                    name = v.rsplit('/', 1)[-1]
                    if name not in seen:
                        seen.append(name)
                        walk(defs[name])
                elif k == 'properties' and isinstance(v, dict):
                    for p in v.values():
                        walk(p)
                else:
                    walk(v)
        elif isinstance(o, list):
            for v in o:
                walk(v)

    for r in ROOTS:
        if r not in seen:
            seen.append(r)
            walk(defs[r])
    return sorted(seen)


def prune(schema, depth):
    if not isinstance(schema, dict):
        return schema
    out = dict(schema)
    if depth >= MAX_DEPTH and ('properties' in out or 'items' in out):
        kept = {k: out[k] for k in ('description', 'type') if k in out}
        if out.get('type') == 'array':
            kept['items'] = {'type': 'object', 'x-kubernetes-preserve-unknown-fields': True}
        else:
            kept['x-kubernetes-preserve-unknown-fields'] = True
        return kept
    if 'properties' in out:
        out['properties'] = {k: prune(v, depth + 1) for k, v in out['properties'].items()}
    if 'items' in out:
        out['items'] = prune(out['items'], depth)
    if isinstance(out.get('additionalProperties'), dict):
        out['additionalProperties'] = prune(out['additionalProperties'], depth + 1)
    return out


def main():
    swagger, cnpg_dir = sys.argv[1], sys.argv[2]
    here = os.path.dirname(os.path.abspath(__file__))
    defs = json.load(open(swagger))['definitions']
    subset = {name: to_v3(defs[name]) for name in closure(defs)}
    subset.update(METRICS)
    with open(os.path.join(here, 'kubernetes-1.32.json'), 'w') as f:
        json.dump(subset, f, separators=(',', ':'), sort_keys=True)
        f.write('\n')
    crds = {}
    for plural in ('clusters', 'backups', 'scheduledbackups'):
        doc = yaml.safe_load(open(os.path.join(cnpg_dir, 'postgresql.cnpg.io_%s.yaml' % plural)))
        version = next(v for v in doc['spec']['versions'] if v['name'] == 'v1')
        crds[doc['spec']['names']['kind']] = prune(version['schema']['openAPIV3Schema'], 0)
    with open(os.path.join(here, 'cnpg-1.21.json'), 'w') as f:
        json.dump(crds, f, separators=(',', ':'), sort_keys=True)
        f.write('\n')


if __name__ == '__main__':
    main()
