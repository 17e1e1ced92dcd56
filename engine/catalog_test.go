package engine

import "testing"

// MultivaluedKey follows the catalog's condition-key types (ArrayOfString),
// the one list the Rego (data.kmsguard.catalog.multivalued) reads too.
func TestMultivaluedKey(t *testing.T) {
	for k, want := range map[string]bool{
		"aws:CalledVia": true, "kms:EncryptionContextKeys": true, "kms:GrantOperations": true,
		"aws:PrincipalOrgPaths": true, "aws:ResourceOrgPaths": true, "aws:SourceOrgPaths": true,
		"aws:TagKeys": true, "kms:ResourceAliases": true, "aws:PrincipalServiceNamesList": true,
		"aws:VpceOrgPaths":   true,
		"aws:CalledViaFirst": false, "kms:ViaService": false, "aws:SourceIp": false, "kms:EncryptionContext:a": false,
		"unknown:key": false,
	} {
		if got := MultivaluedKey(k); got != want {
			t.Errorf("MultivaluedKey(%q) = %v, want %v", k, got, want)
		}
	}
}
