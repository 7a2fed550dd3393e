// Build overlay for pkg/generator/register/register.go of External Secrets Operator v0.16.2
// (scripts/e2e/install-tools.sh): registers only the generators the e2e suite uses.
package register

import (
	_ "github.com/external-secrets/external-secrets/pkg/generator/fake"
	_ "github.com/external-secrets/external-secrets/pkg/generator/password"
)
