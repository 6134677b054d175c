package iam

import "testing"

// Every AWS managed policy the emulator serves is a valid identity policy within IAM's size
// limit for managed policies.
func TestManagedPoliciesParse(t *testing.T) {
	if len(awsManagedPolicyDocs) != 9 {
		t.Fatalf("AWS managed policies = %d (update the count in the awsemu tests)", len(awsManagedPolicyDocs))
	}
	for name, text := range awsManagedPolicyDocs {
		if _, err := ParseIdentityPolicy(text, maxManagedPolicySize, "PolicySize"); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
}
