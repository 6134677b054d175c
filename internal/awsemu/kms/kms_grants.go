package kms

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"

	"github.com/lakehq/terraform-provider-lakesail/internal/awsemu/core"
	"github.com/lakehq/terraform-provider-lakesail/internal/iampolicy"
)

func kmsGrantOps() []*core.Operation {
	return []*core.Operation{
		{Name: "CreateGrant", Action: "kms:CreateGrant", Resources: keyResource, Context: core.Contexts(requestAliasContext, createGrantContext), Handle: kmsCreateGrant},
		{Name: "ListGrants", Action: "kms:ListGrants", Resources: keyResource, Context: grantForAWSResource, Handle: kmsListGrants},
		{Name: "RevokeGrant", Action: "kms:RevokeGrant", Resources: keyResource, Context: grantForAWSResource, Handle: kmsRevokeGrant},
		// RetireGrant is authorized by the grant itself (its retiring principal, its grantee when
		// the grant allows RetireGrant, or the issuing account); policies can only deny it.
		{Name: "RetireGrant", Action: "kms:RetireGrant", Resources: retireGrantResource, SelfAuthorized: true, Handle: kmsRetireGrant},
	}
}

var grantOperations = map[string]bool{
	"Decrypt": true, "Encrypt": true, "GenerateDataKey": true, "GenerateDataKeyWithoutPlaintext": true,
	"ReEncryptFrom": true, "ReEncryptTo": true, "Sign": true, "Verify": true, "GetPublicKey": true,
	"CreateGrant": true, "RetireGrant": true, "DescribeKey": true, "GenerateDataKeyPair": true,
	"GenerateDataKeyPairWithoutPlaintext": true, "GenerateMac": true, "VerifyMac": true, "DeriveSharedSecret": true,
}

// grantForAWSResource is kms:GrantIsForAWSResource: false, since callers of the emulator are
// never AWS services acting for a resource.
func grantForAWSResource(*core.Req) map[string][]string {
	return map[string][]string{"kms:GrantIsForAWSResource": {"false"}}
}

func createGrantContext(c *core.Req) map[string][]string {
	in, _ := kmsIn(c)
	m := grantForAWSResource(c)
	if len(in.Operations) > 0 {
		m["kms:GrantOperations"] = in.Operations
	}
	if in.GranteePrincipal != "" {
		m["kms:GranteePrincipal"] = []string{in.GranteePrincipal}
	}
	if in.RetiringPrincipal != "" {
		m["kms:RetiringPrincipal"] = []string{in.RetiringPrincipal}
	}
	if cs := in.Constraints; cs != nil {
		var types []string
		if cs.EncryptionContextEquals != nil {
			types = append(types, "EncryptionContextEquals")
		}
		if cs.EncryptionContextSubset != nil {
			types = append(types, "EncryptionContextSubset")
		}
		if len(types) > 0 {
			m["kms:GrantConstraintType"] = types
		}
	}
	return m
}

type createGrantResult struct {
	GrantId    string
	GrantToken string
}

func kmsCreateGrant(c *core.Req) (any, error) {
	in, k, err := keyIn(c)
	if err != nil {
		return nil, err
	}
	if err := kmsRequired("GranteePrincipal", in.GranteePrincipal); err != nil {
		return nil, err
	}
	if len(in.Operations) == 0 {
		return nil, kmsValidation("Value null at 'operations' failed to satisfy constraint: Member must not be null")
	}
	for _, op := range in.Operations {
		if !grantOperations[op] {
			return nil, kmsValidation("Value '[%s]' at 'operations' failed to satisfy constraint: Member must satisfy constraint: [Member must satisfy enum value set]", op)
		}
	}
	if err := k.usable(); err != nil {
		return nil, err
	}
	if in.Name != "" {
		for _, g := range k.grants {
			if g.name == in.Name && g.grantee == in.GranteePrincipal && sameStrings(g.operations, in.Operations) {
				return createGrantResult{GrantId: g.id, GrantToken: g.token}, nil
			}
		}
	}
	id := make([]byte, 32)
	_, _ = rand.Read(id)
	tok := make([]byte, 96)
	_, _ = rand.Read(tok)
	g := &kmsGrant{
		id: hex.EncodeToString(id), token: base64.RawURLEncoding.EncodeToString(tok), name: in.Name,
		grantee: in.GranteePrincipal, retiring: in.RetiringPrincipal, operations: append([]string(nil), in.Operations...),
		constraints: in.Constraints, issuingAccount: c.Caller.Account, created: c.Now,
	}
	k.grants = append(k.grants, g)
	return createGrantResult{GrantId: g.id, GrantToken: g.token}, nil
}

func sameStrings(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for _, v := range a {
		if !containsString(b, v) {
			return false
		}
	}
	return true
}

type grantListEntry struct {
	KeyId             string
	GrantId           string
	Name              string `json:",omitempty"`
	CreationDate      kmsTime
	GranteePrincipal  string
	RetiringPrincipal string `json:",omitempty"`
	IssuingAccount    string
	Operations        []string
	Constraints       *kmsGrantConstraints `json:",omitempty"`
}

type listGrantsResult struct {
	Grants     []grantListEntry
	Truncated  bool
	NextMarker string `json:",omitempty"`
}

func kmsListGrants(c *core.Req) (any, error) {
	in, k, err := keyIn(c)
	if err != nil {
		return nil, err
	}
	var grants []*kmsGrant
	for _, g := range k.grants {
		if (in.GrantId == "" || g.id == in.GrantId) && (in.GranteePrincipal == "" || g.grantee == in.GranteePrincipal) {
			grants = append(grants, g)
		}
	}
	page, more, next, err := kmsPage(grants, in.Limit, in.Marker, 50, 100)
	if err != nil {
		return nil, err
	}
	out := listGrantsResult{Grants: []grantListEntry{}, Truncated: more, NextMarker: next}
	for _, g := range page {
		out.Grants = append(out.Grants, grantListEntry{
			KeyId: k.arn, GrantId: g.id, Name: g.name, CreationDate: kmsTime(g.created), GranteePrincipal: g.grantee,
			RetiringPrincipal: g.retiring, IssuingAccount: "arn:aws:iam::" + g.issuingAccount + ":root",
			Operations: g.operations, Constraints: g.constraints,
		})
	}
	return out, nil
}

func (k *kmsKey) removeGrant(id string) bool {
	for i, g := range k.grants {
		if g.id == id {
			k.grants = append(k.grants[:i:i], k.grants[i+1:]...)
			return true
		}
	}
	return false
}

func kmsRevokeGrant(c *core.Req) (any, error) {
	in, k, err := keyIn(c)
	if err != nil {
		return nil, err
	}
	if err := kmsRequired("GrantId", in.GrantId); err != nil {
		return nil, err
	}
	if !k.removeGrant(in.GrantId) {
		return nil, kmsNotFound("Grant ID %s not found", in.GrantId)
	}
	return nil, nil
}

// grantFor finds the grant a RetireGrant names: by token, or by key ARN and grant id.
func grantFor(c *core.Req, in *kmsInput) (*kmsKey, *kmsGrant, *core.APIError) {
	if in.GrantToken != "" {
		for _, a := range c.AllAccounts() {
			for _, k := range kmsOf(a).keys {
				for _, g := range k.grants {
					if g.token == in.GrantToken {
						return k, g, nil
					}
				}
			}
		}
		return nil, nil, core.NewError("InvalidGrantTokenException", 400, "Invalid grant token")
	}
	if in.KeyId == "" || in.GrantId == "" {
		return nil, nil, kmsValidation("Either GrantToken, or both KeyId and GrantId, must be given")
	}
	k := kmsKeyByARN(c, in.KeyId, c.Now)
	if k == nil {
		return nil, nil, core.NewError("InvalidArnException", 400, "KeyId must be the ARN of an existing key")
	}
	for _, g := range k.grants {
		if g.id == in.GrantId {
			return k, g, nil
		}
	}
	return nil, nil, kmsNotFound("Grant ID %s not found", in.GrantId)
}

func retireGrantResource(c *core.Req) []string {
	in, _ := kmsIn(c)
	if k, _, err := grantFor(c, in); err == nil {
		return []string{k.arn}
	}
	return []string{in.KeyId}
}

func kmsRetireGrant(c *core.Req) (any, error) {
	in, err := kmsIn(c)
	if err != nil {
		return nil, err
	}
	k, g, err := grantFor(c, in)
	if err != nil {
		return nil, err
	}
	p := c.Caller
	permitted := granteeMatches(g.retiring, p) ||
		(containsString(g.operations, "RetireGrant") && granteeMatches(g.grantee, p)) ||
		(p.IsRoot() && p.Account == g.issuingAccount)
	res := iampolicy.Result{Decision: iampolicy.ImplicitDeny, DeniedBy: core.ResourceBasedPolicy}
	if permitted {
		res = iampolicy.Result{Decision: iampolicy.Allowed}
		// Policies cannot allow RetireGrant, but an explicit deny in them still applies.
		if r := keyDecision(c, p, k, k.policy, "kms:RetireGrant", nil); r.Decision == iampolicy.ExplicitDeny {
			res = r
		} else if p.Session != nil {
			if r := c.Evaluate(p, "kms:RetireGrant", k.arn, nil); r.Decision == iampolicy.ExplicitDeny {
				res = r
			}
		}
	}
	if res.Decision != iampolicy.Allowed {
		c.Deny()
		return nil, core.AccessDenied("kms", p.ARN, "kms:RetireGrant", k.arn, &res)
	}
	k.removeGrant(g.id)
	return nil, nil
}
