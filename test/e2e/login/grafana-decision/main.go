// Command grafana-decision computes what Grafana's generic OAuth connector decides for one login:
// the org role, whether the user becomes Grafana server admin, the groups Grafana keeps, or the
// refusal. The login e2e suite feeds it the id_token and userinfo body that a real Keycloak
// returned and the `auth.generic_oauth` section our renderers produced, so the role mapping is
// evaluated by the JMESPath library Grafana itself links (github.com/jmespath-community/go-jmespath)
// under Grafana's rules, not by a JavaScript re-implementation.
//
// The rules, as read in Grafana's source (github.com/grafana/grafana, pkg/login/social/connectors/
// generic_oauth.go UserInfo, extractFromToken, extractFromAPI, extractGroups; social_base.go
// extractRoleAndAdminOptional, searchRole, getRoleFromSearch; pkg/util/json.go
// SearchJSONForStringAttr/SearchJSONForStringSliceAttr; pkg/util/strings.go SplitString) and its
// generic OAuth docs (docs/sources/setup-grafana/configure-security/configure-authentication/
// generic-oauth/index.md, "Role mapping", "allowed_groups", "role_attribute_strict"):
//
//  1. The claim sources are searched in this order: the id_token's payload (second JWT segment,
//     base64url, not verified here: Grafana does not verify it either), then the api_url
//     (userinfo) response body. A source that is missing or not JSON is skipped.
//  2. Role: the first source whose role_attribute_path result is a non-empty string wins. The
//     string "GrafanaAdmin" (case-insensitive) means org role Admin plus server admin; any other
//     string is title-cased and must be a valid org role (Viewer, Editor, Admin, None), otherwise
//     that source is skipped. When a source yields nothing, the path is tried once more against
//     {"groups": []} (generic OAuth passes no pre-fetched groups).
//  3. Server admin is only applied when allow_assign_grafana_admin is true.
//  4. Groups: the first source whose groups_attribute_path result is a non-empty list of strings
//     (non-strings dropped; a non-list result counts as no groups).
//  5. No role from any source: with role_attribute_strict the login is refused; otherwise the
//     default role (auto_assign_org_role, Viewer unless set) applies.
//  6. allowed_groups (split on commas and whitespace, or a JSON list): when set, the login is
//     refused unless one of the user's groups equals one of them exactly.
//
// Input (stdin, JSON): {"config": {<auth.generic_oauth keys as strings>}, "idToken": "<JWT>",
// "userinfo": "<raw response body>"}. Output (stdout, JSON): {"login": bool, "role": string,
// "grafanaAdmin": bool, "groups": [...], "roleSource": "id_token"|"userinfo"|"default", "refusal": the
// gate Grafana reports, "refusals": every gate that refuses}.
package main

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"os"
	"strings"

	"github.com/jmespath-community/go-jmespath"
)

type input struct {
	Config   map[string]string `json:"config"`
	IDToken  string            `json:"idToken"`
	Userinfo string            `json:"userinfo"`
}

type decision struct {
	Login        bool     `json:"login"`
	Role         string   `json:"role,omitempty"`
	GrafanaAdmin bool     `json:"grafanaAdmin"`
	Groups       []string `json:"groups"`
	RoleSource   string   `json:"roleSource,omitempty"`
	Refusal      string   `json:"refusal,omitempty"`
	Refusals     []string `json:"refusals"`
	Warnings     []string `json:"warnings,omitempty"`
}

type source struct {
	name string
	data any
}

func main() {
	var in input
	if err := json.NewDecoder(os.Stdin).Decode(&in); err != nil {
		fmt.Fprintf(os.Stderr, "grafana-decision: stdin is not the expected JSON: %v\n", err)
		os.Exit(2)
	}
	out, err := decide(in)
	if err != nil {
		fmt.Fprintf(os.Stderr, "grafana-decision: %v\n", err)
		os.Exit(2)
	}
	if err := json.NewEncoder(os.Stdout).Encode(out); err != nil {
		os.Exit(2)
	}
}

func decide(in input) (decision, error) {
	cfg := in.Config
	out := decision{Groups: []string{}, Refusals: []string{}}
	var sources []source
	if in.IDToken != "" {
		payload, err := jwtPayload(in.IDToken)
		if err != nil {
			out.Warnings = append(out.Warnings, "id_token skipped: "+err.Error())
		} else {
			sources = append(sources, source{"id_token", payload})
		}
	}
	if in.Userinfo != "" {
		var body any
		if err := json.Unmarshal([]byte(in.Userinfo), &body); err != nil {
			out.Warnings = append(out.Warnings, "userinfo skipped: "+err.Error())
		} else {
			sources = append(sources, source{"userinfo", body})
		}
	}

	rolePath := cfg["role_attribute_path"]
	strict := cfg["role_attribute_strict"] == "true"
	assignAdmin := cfg["allow_assign_grafana_admin"] == "true"
	for _, src := range sources {
		if out.Role == "" && rolePath != "" {
			role, admin, err := searchRole(rolePath, src.data)
			if err != nil {
				return out, err
			}
			if role != "" {
				out.Role, out.RoleSource = role, src.name
				out.GrafanaAdmin = assignAdmin && admin
			}
		}
		if len(out.Groups) == 0 && cfg["groups_attribute_path"] != "" {
			groups, err := stringList(cfg["groups_attribute_path"], src.data)
			if err != nil {
				return out, err
			}
			out.Groups = groups
		}
	}

	// Grafana stops at the first failing gate (strict role, then allowed_groups). Both gates are
	// evaluated here so a test can prove that each one refuses on its own (defence in depth).
	if out.Role == "" {
		if strict {
			out.Refusals = append(out.Refusals, refusedByStrict)
		} else {
			out.Role, out.RoleSource = defaultRole(cfg["auto_assign_org_role"]), "default"
		}
	}
	if allowed := splitString(cfg["allowed_groups"]); len(allowed) > 0 && !anyEqual(allowed, out.Groups) {
		out.Refusals = append(out.Refusals, refusedByGroups)
	}
	if len(out.Refusals) > 0 {
		out.Refusal = out.Refusals[0]
		out.Role, out.RoleSource, out.GrafanaAdmin = "", "", false
		return out, nil
	}
	out.Login = true
	return out, nil
}

const (
	refusedByStrict = "role_attribute_strict: idP did not return a role attribute"
	refusedByGroups = "allowed_groups: user not a member of one of the required groups"
)

// searchRole returns the org role and the server-admin flag for one claim source, or "" when the
// source yields no valid role.
func searchRole(path string, data any) (string, bool, error) {
	for _, candidate := range []any{data, map[string]any{"groups": []any{}}} {
		value, err := jmespath.Search(path, candidate)
		if err != nil {
			return "", false, fmt.Errorf("role_attribute_path %q: %w", path, err)
		}
		s, ok := value.(string)
		if !ok || s == "" {
			continue
		}
		if strings.EqualFold(s, "GrafanaAdmin") {
			return "Admin", true, nil
		}
		role := titleCase(s)
		switch role {
		case "Viewer", "Editor", "Admin", "None":
			return role, false, nil
		}
		return "", false, nil // an invalid role string: Grafana logs it and tries the next source
	}
	return "", false, nil
}

func stringList(path string, data any) ([]string, error) {
	value, err := jmespath.Search(path, data)
	if err != nil {
		return nil, fmt.Errorf("groups_attribute_path %q: %w", path, err)
	}
	items, _ := value.([]any)
	out := []string{}
	for _, item := range items {
		if s, ok := item.(string); ok {
			out = append(out, s)
		}
	}
	return out, nil
}

func jwtPayload(token string) (any, error) {
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		return nil, fmt.Errorf("not a JWT (%d segments)", len(parts))
	}
	raw, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(parts[1], "="))
	if err != nil {
		return nil, fmt.Errorf("payload is not base64url: %w", err)
	}
	var payload any
	if err := json.Unmarshal(raw, &payload); err != nil {
		return nil, fmt.Errorf("payload is not JSON: %w", err)
	}
	return payload, nil
}

// splitString splits on commas and whitespace, or parses a JSON list, as Grafana's settings do.
func splitString(s string) []string {
	if strings.HasPrefix(strings.TrimSpace(s), "[") {
		var list []string
		if json.Unmarshal([]byte(s), &list) != nil {
			return []string{}
		}
		return list
	}
	return strings.Fields(strings.ReplaceAll(s, ",", " "))
}

func anyEqual(allowed, groups []string) bool {
	for _, a := range allowed {
		for _, g := range groups {
			if a == g {
				return true
			}
		}
	}
	return false
}

// titleCase upper-cases the first letter of each word and lower-cases the rest (Grafana uses
// golang.org/x/text/cases.Title; role names are ASCII words, where the two agree).
func titleCase(s string) string {
	words := strings.Fields(s)
	for i, w := range words {
		words[i] = strings.ToUpper(w[:1]) + strings.ToLower(w[1:])
	}
	return strings.Join(words, " ")
}

func defaultRole(configured string) string {
	if configured != "" {
		return configured
	}
	return "Viewer"
}
