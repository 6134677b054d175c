package iam

import (
	"regexp"
	"strings"

	"github.com/lakehq/terraform-provider-lakesail/internal/awsemu/core"
)

func iamOIDCOps() []*core.Operation {
	return []*core.Operation{
		{Name: "CreateOpenIDConnectProvider", Action: "iam:CreateOpenIDConnectProvider", Resources: newOIDCResource, Context: requestTags, Also: iamTagOnCreate("iam:TagOpenIDConnectProvider", newOIDCResource), Handle: iamCreateOIDC},
		{Name: "GetOpenIDConnectProvider", Action: "iam:GetOpenIDConnectProvider", Resources: oidcResource, Context: oidcTags, Handle: iamGetOIDC},
		{Name: "DeleteOpenIDConnectProvider", Action: "iam:DeleteOpenIDConnectProvider", Resources: oidcResource, Context: oidcTags, Handle: iamDeleteOIDC},
		{Name: "ListOpenIDConnectProviders", Action: "iam:ListOpenIDConnectProviders", Handle: iamListOIDC},
		{Name: "TagOpenIDConnectProvider", Action: "iam:TagOpenIDConnectProvider", Resources: oidcResource, Context: core.Contexts(oidcTags, requestTags), Handle: iamTagHandler(oidcTagsOf, "TagsPerOpenIdConnectProvider")},
		{Name: "UntagOpenIDConnectProvider", Action: "iam:UntagOpenIDConnectProvider", Resources: oidcResource, Context: core.Contexts(oidcTags, untagKeys), Handle: iamUntagHandler(oidcTagsOf)},
		{Name: "ListOpenIDConnectProviderTags", Action: "iam:ListOpenIDConnectProviderTags", Resources: oidcResource, Context: oidcTags, Handle: iamListOIDCTags},
		{Name: "UpdateOpenIDConnectProviderThumbprint", Action: "iam:UpdateOpenIDConnectProviderThumbprint", Resources: oidcResource, Context: oidcTags, Handle: iamUpdateOIDCThumbprint},
		{Name: "AddClientIDToOpenIDConnectProvider", Action: "iam:AddClientIDToOpenIDConnectProvider", Resources: oidcResource, Context: oidcTags, Handle: iamAddOIDCClientID},
		{Name: "RemoveClientIDFromOpenIDConnectProvider", Action: "iam:RemoveClientIDFromOpenIDConnectProvider", Resources: oidcResource, Context: oidcTags, Handle: iamRemoveOIDCClientID},
	}
}

var reThumbprint = regexp.MustCompile(`^[0-9a-fA-F]{40}$`)

// OidcHost is the provider URL as IAM keeps it: without https:// and a trailing slash.
func OidcHost(url string) string {
	return strings.TrimSuffix(strings.TrimPrefix(url, "https://"), "/")
}

func newOIDCResource(c *core.Req) []string {
	return []string{"arn:aws:iam::" + c.Account.Id + ":oidc-provider/" + OidcHost(c.Param("Url"))}
}

func checkThumbprints(tps []string) *core.APIError {
	if len(tps) > 5 {
		return core.ValidationError("Value at 'thumbprintList' failed to satisfy constraint: Member must have length less than or equal to 5")
	}
	for _, t := range tps {
		if !reThumbprint.MatchString(t) {
			return core.ValidationError("Value '%s' at 'thumbprintList' failed to satisfy constraint: Member must have length 40 and be hexadecimal", t)
		}
	}
	return nil
}

func checkClientIDs(ids []string) *core.APIError {
	if len(ids) > 100 {
		return invalidInput("Cannot exceed quota for ClientIdsPerOpenIdConnectProvider: 100")
	}
	for _, id := range ids {
		if err := core.CheckLength("ClientIDList.member", id, 1, 255); err != nil {
			return err
		}
	}
	return nil
}

type createOIDCResult struct {
	OpenIDConnectProviderArn string
	Tags                     core.Members[xmlTag] `xml:",omitempty"`
}

func iamCreateOIDC(c *core.Req) (any, error) {
	if err := core.RequireParams(c, "Url"); err != nil {
		return nil, err
	}
	url := c.Param("Url")
	if err := core.CheckLength("Url", url, 1, 255); err != nil {
		return nil, err
	}
	if !strings.HasPrefix(url, "https://") || OidcHost(url) == "" {
		return nil, invalidInput("Invalid Url: %s. The URL must begin with https://", url)
	}
	ids, tps, tags := c.ParamList("ClientIDList"), c.ParamList("ThumbprintList"), c.ParamTags("Tags")
	if err := checkClientIDs(ids); err != nil {
		return nil, err
	}
	if err := checkThumbprints(tps); err != nil {
		return nil, err
	}
	if err := CheckTags(tags); err != nil {
		return nil, err
	}
	arn := newOIDCResource(c)[0]
	if Of(c.Account).Oidc[arn] != nil {
		return nil, alreadyExists("Provider with url %s already exists.", url)
	}
	Of(c.Account).Oidc[arn] = &oidcProvider{arn: arn, url: OidcHost(url), ClientIDs: ids, thumbprints: tps, tags: tags, created: c.Now}
	return createOIDCResult{OpenIDConnectProviderArn: arn, Tags: xmlTags(tags)}, nil
}

func existingOIDC(c *core.Req) (*oidcProvider, *core.APIError) {
	if err := core.RequireParams(c, "OpenIDConnectProviderArn"); err != nil {
		return nil, err
	}
	arn := c.Param("OpenIDConnectProviderArn")
	p := Of(c.Account).Oidc[arn]
	if p == nil {
		return nil, noSuchEntity("OpenIDConnect provider not found for arn %s", arn)
	}
	return p, nil
}

type getOIDCResult struct {
	Url            string
	ClientIDList   core.Members[string]
	ThumbprintList core.Members[string]
	CreateDate     core.XMLTime
	Tags           core.Members[xmlTag] `xml:",omitempty"`
}

func iamGetOIDC(c *core.Req) (any, error) {
	p, err := existingOIDC(c)
	if err != nil {
		return nil, err
	}
	return getOIDCResult{Url: p.url, ClientIDList: p.ClientIDs, ThumbprintList: p.thumbprints, CreateDate: core.XMLTime(p.created), Tags: xmlTags(p.tags)}, nil
}

func iamDeleteOIDC(c *core.Req) (any, error) {
	p, err := existingOIDC(c)
	if err != nil {
		return nil, err
	}
	delete(Of(c.Account).Oidc, p.arn)
	return nil, nil
}

type listOIDCResult struct {
	OpenIDConnectProviderList core.Members[xmlARN]
}

func iamListOIDC(c *core.Req) (any, error) {
	arns := core.SortedKeys(Of(c.Account).Oidc)
	out := listOIDCResult{OpenIDConnectProviderList: make(core.Members[xmlARN], 0, len(arns))}
	for _, a := range arns {
		out.OpenIDConnectProviderList = append(out.OpenIDConnectProviderList, xmlARN{Arn: a})
	}
	return out, nil
}

func iamListOIDCTags(c *core.Req) (any, error) {
	p, err := existingOIDC(c)
	if err != nil {
		return nil, err
	}
	return listTags(c, p.tags)
}

func iamUpdateOIDCThumbprint(c *core.Req) (any, error) {
	p, err := existingOIDC(c)
	if err != nil {
		return nil, err
	}
	tps := c.ParamList("ThumbprintList")
	if err := checkThumbprints(tps); err != nil {
		return nil, err
	}
	p.thumbprints = tps
	return nil, nil
}

func iamAddOIDCClientID(c *core.Req) (any, error) {
	if err := core.RequireParams(c, "ClientID"); err != nil {
		return nil, err
	}
	p, err := existingOIDC(c)
	if err != nil {
		return nil, err
	}
	id := c.Param("ClientID")
	for _, x := range p.ClientIDs {
		if x == id {
			return nil, nil
		}
	}
	if err := checkClientIDs(append(append([]string(nil), p.ClientIDs...), id)); err != nil {
		return nil, err
	}
	p.ClientIDs = append(p.ClientIDs, id)
	return nil, nil
}

func iamRemoveOIDCClientID(c *core.Req) (any, error) {
	if err := core.RequireParams(c, "ClientID"); err != nil {
		return nil, err
	}
	p, err := existingOIDC(c)
	if err != nil {
		return nil, err
	}
	id := c.Param("ClientID")
	var keep []string
	for _, x := range p.ClientIDs {
		if x != id {
			keep = append(keep, x)
		}
	}
	p.ClientIDs = keep
	return nil, nil
}
