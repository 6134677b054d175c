package kms

import (
	"regexp"
	"sort"
	"strings"

	"github.com/lakehq/terraform-provider-lakesail/internal/awsemu/core"
)

func kmsAliasOps() []*core.Operation {
	return []*core.Operation{
		// Alias calls need the permission on the alias (IAM policies) and on each key involved
		// (key policy, with IAM policies where it delegates).
		{Name: "CreateAlias", Action: "kms:CreateAlias", Resources: createAliasResources, Handle: kmsCreateAlias},
		{Name: "DeleteAlias", Action: "kms:DeleteAlias", Resources: aliasAndKeyResources, Handle: kmsDeleteAlias},
		{Name: "UpdateAlias", Action: "kms:UpdateAlias", Resources: updateAliasResources, Handle: kmsUpdateAlias},
		{Name: "ListAliases", Action: "kms:ListAliases", Handle: kmsListAliases},
	}
}

var reAliasName = regexp.MustCompile(`^alias/[a-zA-Z0-9/_-]+$`)

func checkAliasName(name string) *core.APIError {
	if err := kmsRequired("AliasName", name); err != nil {
		return err
	}
	if len(name) > 256 || !reAliasName.MatchString(name) {
		return kmsValidation("Value '%s' at 'aliasName' failed to satisfy constraint: Member must satisfy regular expression pattern: ^[a-zA-Z0-9:/_-]+$", name)
	}
	if strings.HasPrefix(name, "alias/aws/") {
		return core.NewError("NotAuthorizedException", 400, "Cannot create, update or delete an alias with the reserved prefix alias/aws/")
	}
	return nil
}

// createAliasResources: the new alias and its target key.
func createAliasResources(c *core.Req) []string {
	in, _ := kmsIn(c)
	return []string{aliasARN(c.Region, c.Account.Id, in.AliasName), keyARNFor(c, in.TargetKeyId)}
}

// aliasAndKeyResources: an existing alias and the key it points at.
func aliasAndKeyResources(c *core.Req) []string {
	in, _ := kmsIn(c)
	out := []string{aliasARN(c.Region, c.Account.Id, in.AliasName)}
	if a := kmsOf(c.Account).alias(c.Region, in.AliasName); a != nil {
		out = append(out, kmsKeyARN(c.Region, c.Account.Id, a.targetKeyID))
	}
	return out
}

// updateAliasResources: the alias, the key it points at now and the new target.
func updateAliasResources(c *core.Req) []string {
	in, _ := kmsIn(c)
	return append(aliasAndKeyResources(c), keyARNFor(c, in.TargetKeyId))
}

// aliasTarget resolves TargetKeyId: a key id or key ARN (not an alias) of the caller's account
// and region, not pending deletion.
func aliasTarget(c *core.Req, ref string) (*kmsKey, *core.APIError) {
	if err := kmsRequired("TargetKeyId", ref); err != nil {
		return nil, err
	}
	if strings.HasPrefix(ref, "alias/") || strings.Contains(ref, ":alias/") {
		return nil, kmsValidation("Value '%s' at 'targetKeyId' failed to satisfy constraint: Aliases must refer to keys, not other aliases", ref)
	}
	k, err := resolveKMSKey(c, c.Account, c.Region, ref, c.Now)
	if err != nil {
		return nil, err
	}
	if k.account != c.Account.Id {
		return nil, kmsNotFound("Key '%s' does not exist", k.arn)
	}
	return k, k.notPendingDeletion()
}

func kmsCreateAlias(c *core.Req) (any, error) {
	in, err := kmsIn(c)
	if err != nil {
		return nil, err
	}
	if err := checkAliasName(in.AliasName); err != nil {
		return nil, err
	}
	k, err := aliasTarget(c, in.TargetKeyId)
	if err != nil {
		return nil, err
	}
	kms := kmsOf(c.Account)
	if kms.alias(c.Region, in.AliasName) != nil {
		return nil, core.NewError("AlreadyExistsException", 400, "An alias with the name %s already exists", aliasARN(c.Region, c.Account.Id, in.AliasName))
	}
	kms.aliases[c.Region+" "+in.AliasName] = &kmsAlias{
		name: in.AliasName, arn: aliasARN(c.Region, c.Account.Id, in.AliasName), region: c.Region,
		targetKeyID: k.id, created: c.Now, updated: c.Now,
	}
	return nil, nil
}

func existingAlias(c *core.Req, name string) (*kmsAlias, *core.APIError) {
	if err := checkAliasName(name); err != nil {
		return nil, err
	}
	kmsOf(c.Account).purge(c.Now)
	a := kmsOf(c.Account).alias(c.Region, name)
	if a == nil {
		return nil, kmsNotFound("Alias %s is not found.", aliasARN(c.Region, c.Account.Id, name))
	}
	return a, nil
}

func kmsDeleteAlias(c *core.Req) (any, error) {
	in, err := kmsIn(c)
	if err != nil {
		return nil, err
	}
	a, err := existingAlias(c, in.AliasName)
	if err != nil {
		return nil, err
	}
	delete(kmsOf(c.Account).aliases, c.Region+" "+a.name)
	return nil, nil
}

// kmsUpdateAlias points an alias at another key of the same type.
func kmsUpdateAlias(c *core.Req) (any, error) {
	in, err := kmsIn(c)
	if err != nil {
		return nil, err
	}
	a, err := existingAlias(c, in.AliasName)
	if err != nil {
		return nil, err
	}
	k, err := aliasTarget(c, in.TargetKeyId)
	if err != nil {
		return nil, err
	}
	if old := kmsOf(c.Account).keys[a.targetKeyID]; old != nil && (old.keyUsage != k.keyUsage || old.keySpec != k.keySpec) {
		return nil, core.NewError("ValidationException", 400, "Alias %s cannot be changed to a KMS key of a different type (KeySpec and KeyUsage must match).", a.arn)
	}
	a.targetKeyID, a.updated = k.id, c.Now
	return nil, nil
}

type aliasListEntry struct {
	AliasName       string
	AliasArn        string
	TargetKeyId     string
	CreationDate    kmsTime
	LastUpdatedDate kmsTime
}

type listAliasesResult struct {
	Aliases    []aliasListEntry
	Truncated  bool
	NextMarker string `json:",omitempty"`
}

// kmsListAliases lists the account's aliases in the region by name, or a key's (KeyId: key id
// or key ARN).
func kmsListAliases(c *core.Req) (any, error) {
	in, err := kmsIn(c)
	if err != nil {
		return nil, err
	}
	kms := kmsOf(c.Account)
	kms.purge(c.Now)
	keyID := ""
	if in.KeyId != "" {
		if strings.HasPrefix(in.KeyId, "alias/") || strings.Contains(in.KeyId, ":alias/") {
			return nil, core.NewError("InvalidArnException", 400, "KeyId must be a key id or key ARN")
		}
		k, err := resolveKMSKey(c, c.Account, c.Region, in.KeyId, c.Now)
		if err != nil {
			return nil, err
		}
		keyID = k.id
	}
	var all []*kmsAlias
	for _, a := range kms.aliases {
		if a.region == c.Region && (keyID == "" || a.targetKeyID == keyID) {
			all = append(all, a)
		}
	}
	sort.Slice(all, func(i, j int) bool { return all[i].name < all[j].name })
	page, more, next, err := kmsPage(all, in.Limit, in.Marker, 50, 100)
	if err != nil {
		return nil, err
	}
	out := listAliasesResult{Aliases: []aliasListEntry{}, Truncated: more, NextMarker: next}
	for _, a := range page {
		out.Aliases = append(out.Aliases, aliasListEntry{AliasName: a.name, AliasArn: a.arn, TargetKeyId: a.targetKeyID,
			CreationDate: kmsTime(a.created), LastUpdatedDate: kmsTime(a.updated)})
	}
	return out, nil
}
