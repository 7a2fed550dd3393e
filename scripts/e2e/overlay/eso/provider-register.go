// Build overlay for pkg/provider/register/register.go of External Secrets Operator v0.16.2
// (scripts/e2e/install-tools.sh): registers only the providers the e2e suite uses, so the other
// providers' SDKs are not compiled.
package register

import (
	_ "github.com/external-secrets/external-secrets/pkg/provider/fake"
	_ "github.com/external-secrets/external-secrets/pkg/provider/kubernetes"
)
