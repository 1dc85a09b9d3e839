// The workshop's section 1 pod: nginx and an alpine sidecar sharing one network namespace,
// created from stdin by the CLI tests (on simulated nodes) and the node agent tests (on runc).

export const TWO_CONTAINER_POD = `apiVersion: v1
kind: Pod
metadata:
  name: nginx
  labels:
    app: nginx
spec:
  containers:
  - name: main
    image: nginx:alpine
  - name: sidecar
    image: alpine:latest
    command: ["sleep", "3600"]
`;
