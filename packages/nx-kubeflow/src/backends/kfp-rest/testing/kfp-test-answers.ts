/**
 * Test-only: the error answers of the upstream KFP API server, in the shapes
 * captured from it (kubeflow/pipelines master built from source, driven by
 * hand; see ../README.md, "Checked against the real server"). Two families:
 * the gRPC gateway's google.rpc.Status, and the multipart upload handlers'
 * {error_message, error_details}.
 */

export interface ApiAnswer {
  status: number;
  /** undefined: Go's plain "404 page not found" of a path outside /apis/. */
  body: unknown;
  /** Default application/json. */
  contentType?: string;
}

/** A google.rpc.Status answer as the API server's gRPC gateway writes it. */
export function rpcError(status: number, code: number, message: string): ApiAnswer {
  return { status, body: { code, message, details: [] } };
}

/** A path under /apis/ that no route serves: grpc-gateway's own 404, with no details. */
export const unknownRoute = (): ApiAnswer => ({ status: 404, body: { code: 5, message: 'Not Found' } });

/**
 * The upload handlers' error: error_message, and error_details, the error
 * with its Go stack trace (fmt %+v). The 400s written before the handler
 * sets its content type (bad form, unreadable file, unknown pipelineid)
 * go out as text/plain; the later ones (409, 500, an IR the server refuses)
 * as application/json.
 */
export function uploadError(status: number, message: string, contentType: 'text/plain' | 'json'): ApiAnswer {
  return {
    status,
    body: { error_message: message, error_details: `${message}\n${GO_STACK}` },
    contentType: contentType === 'json' ? 'application/json' : 'text/plain; charset=utf-8',
  };
}

/** error_details as captured: the message, then the stack of the server's own code. */
const GO_STACK = [
  'github.com/kubeflow/pipelines/backend/src/apiserver/server.(*PipelineUploadServer).uploadPipelineVersion',
  '\t/go/src/github.com/kubeflow/pipelines/backend/src/apiserver/server/pipeline_upload_server.go:295',
  'github.com/kubeflow/pipelines/backend/src/apiserver/server.(*PipelineUploadServer).UploadPipelineVersion',
  '\t/go/src/github.com/kubeflow/pipelines/backend/src/apiserver/server/pipeline_upload_server.go:240',
  'net/http.HandlerFunc.ServeHTTP',
  '\t/usr/local/go/src/net/http/server.go:2286',
  'github.com/gorilla/mux.(*Router).ServeHTTP',
  '\t/go/pkg/mod/github.com/gorilla/mux@v1.8.1/mux.go:212',
  'net/http.serverHandler.ServeHTTP',
  '\t/usr/local/go/src/net/http/server.go:3311',
  'net/http.(*conn).serve',
  '\t/usr/local/go/src/net/http/server.go:2067',
  'runtime.goexit',
  '\t/usr/local/go/src/runtime/asm_amd64.s:1771',
].join('\n');

/**
 * A create naming a pipeline version that does not exist (POST /runs,
 * POST /recurringruns): upstream wraps the lookup's ResourceNotFoundError in
 * an internal error, so it is a 500 with code 13, though nothing failed.
 */
export function unknownVersion(what: 'run' | 'recurring run', versionId: string | undefined): ApiAnswer {
  const id = versionId ?? '';
  const prefix =
    what === 'run'
      ? 'Failed to create a new run: InternalServerError: Failed to create a run due to error fetching manifest'
      : 'Failed to create a recurring run: InternalServerError: Failed to create a recurring run with an invalid pipeline spec manifest';
  return {
    status: 500,
    body: {
      code: 13,
      message:
        `${prefix}: Failed to fetch a template due to error retrieving pipeline version: Failed to fetch a pipeline version and its manifest from pipeline version ${id}: ` +
        `Failed to get a pipeline version with id ${id}: ResourceNotFoundError: PipelineVersion ${id} not found`,
      details: [{ '@type': 'type.googleapis.com/google.rpc.Status', code: 13, message: 'Internal Server Error' }],
    },
  };
}
