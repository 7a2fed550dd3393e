//go:build tools

// Keeps both commands' dependency graphs in go.mod/go.sum; the install script builds them with
// `go build k8s.io/kubernetes/cmd/<name>`.
package tools

import (
	_ "k8s.io/kubernetes/cmd/kube-apiserver"
	_ "k8s.io/kubernetes/cmd/kube-controller-manager"
)
