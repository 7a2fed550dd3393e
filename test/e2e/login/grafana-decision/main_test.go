package main

import (
	"encoding/base64"
	"encoding/json"
	"reflect"
	"testing"
)

func jwt(t *testing.T, claims map[string]any) string {
	t.Helper()
	raw, err := json.Marshal(claims)
	if err != nil {
		t.Fatal(err)
	}
	return "e30." + base64.RawURLEncoding.EncodeToString(raw) + ".sig"
}

func body(t *testing.T, claims map[string]any) string {
	t.Helper()
	raw, err := json.Marshal(claims)
	if err != nil {
		t.Fatal(err)
	}
	return string(raw)
}

var strictConfig = map[string]string{
	"role_attribute_path":   "contains(groups[*] || `[]`, 'a') && 'GrafanaAdmin' || contains(groups[*] || `[]`, 'v') && 'Viewer'",
	"role_attribute_strict": "true",
	"groups_attribute_path": "groups",
	"allowed_groups":        "a, v",
}

func TestIdTokenIsSearchedBeforeUserinfo(t *testing.T) {
	// GIVEN the id_token says viewer and userinfo says admin  WHEN deciding  THEN the id_token wins
	d, err := decide(input{Config: strictConfig, IDToken: jwt(t, map[string]any{"groups": []string{"v"}}), Userinfo: body(t, map[string]any{"groups": []string{"a"}})})
	if err != nil || !d.Login || d.Role != "Viewer" || d.RoleSource != "id_token" {
		t.Fatalf("got %+v, %v", d, err)
	}
}

func TestUserinfoIsSearchedWhenTheIdTokenHasNoRole(t *testing.T) {
	d, _ := decide(input{Config: strictConfig, IDToken: jwt(t, map[string]any{"sub": "x"}), Userinfo: body(t, map[string]any{"groups": []string{"v"}})})
	if !d.Login || d.Role != "Viewer" || d.RoleSource != "userinfo" || !reflect.DeepEqual(d.Groups, []string{"v"}) {
		t.Fatalf("got %+v", d)
	}
}

func TestGrafanaAdminNeedsAllowAssign(t *testing.T) {
	in := input{Config: strictConfig, IDToken: jwt(t, map[string]any{"groups": []string{"a"}})}
	d, _ := decide(in)
	if d.Role != "Admin" || d.GrafanaAdmin {
		t.Fatalf("without allow_assign_grafana_admin: %+v", d)
	}
	cfg := map[string]string{"allow_assign_grafana_admin": "true"}
	for k, v := range strictConfig {
		cfg[k] = v
	}
	in.Config = cfg
	if d, _ = decide(in); d.Role != "Admin" || !d.GrafanaAdmin {
		t.Fatalf("with allow_assign_grafana_admin: %+v", d)
	}
}

func TestEveryRefusingGateIsReported(t *testing.T) {
	d, _ := decide(input{Config: strictConfig, IDToken: jwt(t, map[string]any{"groups": []string{"other"}})})
	if d.Login || !reflect.DeepEqual(d.Refusals, []string{refusedByStrict, refusedByGroups}) || d.Refusal != refusedByStrict {
		t.Fatalf("got %+v", d)
	}
}

func TestAllowedGroupsAloneRefusesANonMemberAndMatchesExactly(t *testing.T) {
	cfg := map[string]string{"role_attribute_path": "'Viewer'", "groups_attribute_path": "groups", "allowed_groups": `["/a"]`}
	d, _ := decide(input{Config: cfg, IDToken: jwt(t, map[string]any{"groups": []string{"a", "/a/b"}})})
	if d.Login || !reflect.DeepEqual(d.Refusals, []string{refusedByGroups}) {
		t.Fatalf("non-member: %+v", d)
	}
	d, _ = decide(input{Config: cfg, IDToken: jwt(t, map[string]any{"groups": []string{"/a"}})})
	if !d.Login || d.Role != "Viewer" {
		t.Fatalf("member: %+v", d)
	}
}

func TestAnInvalidRoleStringIsNoRole(t *testing.T) {
	cfg := map[string]string{"role_attribute_path": "'Superuser'", "role_attribute_strict": "true"}
	d, _ := decide(input{Config: cfg, IDToken: jwt(t, map[string]any{})})
	if d.Login || d.Refusal != refusedByStrict {
		t.Fatalf("got %+v", d)
	}
}

func TestWithoutStrictTheDefaultRoleApplies(t *testing.T) {
	cfg := map[string]string{"role_attribute_path": "groups[0] == 'x' && 'Editor'"}
	d, _ := decide(input{Config: cfg, IDToken: jwt(t, map[string]any{"groups": []string{"y"}})})
	if !d.Login || d.Role != "Viewer" || d.RoleSource != "default" {
		t.Fatalf("got %+v", d)
	}
}
