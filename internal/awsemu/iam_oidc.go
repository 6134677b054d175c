package awsemu

import (
	"regexp"

	"strings"
)

func iamOIDCOps() []*Operation {
	return []*Operation{
		{Name: "CreateOpenIDConnectProvider", Action: "iam:CreateOpenIDConnectProvider", Resources: newOIDCResource, Context: requestTags, Also: iamTagOnCreate("iam:TagOpenIDConnectProvider", newOIDCResource), Handle: iamCreateOIDC},
		{Name: "GetOpenIDConnectProvider", Action: "iam:GetOpenIDConnectProvider", Resources: oidcResource, Context: oidcTags, Handle: iamGetOIDC},
		{Name: "DeleteOpenIDConnectProvider", Action: "iam:DeleteOpenIDConnectProvider", Resources: oidcResource, Context: oidcTags, Handle: iamDeleteOIDC},
		{Name: "ListOpenIDConnectProviders", Action: "iam:ListOpenIDConnectProviders", Handle: iamListOIDC},
		{Name: "TagOpenIDConnectProvider", Action: "iam:TagOpenIDConnectProvider", Resources: oidcResource, Context: ctx(oidcTags, requestTags), Handle: iamTagHandler(oidcTagsOf, "TagsPerOpenIdConnectProvider")},
		{Name: "UntagOpenIDConnectProvider", Action: "iam:UntagOpenIDConnectProvider", Resources: oidcResource, Context: ctx(oidcTags, untagKeys), Handle: iamUntagHandler(oidcTagsOf)},
		{Name: "ListOpenIDConnectProviderTags", Action: "iam:ListOpenIDConnectProviderTags", Resources: oidcResource, Context: oidcTags, Handle: iamListOIDCTags},
		{Name: "UpdateOpenIDConnectProviderThumbprint", Action: "iam:UpdateOpenIDConnectProviderThumbprint", Resources: oidcResource, Context: oidcTags, Handle: iamUpdateOIDCThumbprint},
		{Name: "AddClientIDToOpenIDConnectProvider", Action: "iam:AddClientIDToOpenIDConnectProvider", Resources: oidcResource, Context: oidcTags, Handle: iamAddOIDCClientID},
		{Name: "RemoveClientIDFromOpenIDConnectProvider", Action: "iam:RemoveClientIDFromOpenIDConnectProvider", Resources: oidcResource, Context: oidcTags, Handle: iamRemoveOIDCClientID},
	}
}

var reThumbprint = regexp.MustCompile(`^[0-9a-fA-F]{40}$`)

// oidcHost is the provider URL as IAM keeps it: without https:// and a trailing slash.
func oidcHost(url string) string {
	return strings.TrimSuffix(strings.TrimPrefix(url, "https://"), "/")
}

func newOIDCResource(c *Req) []string {
	return []string{"arn:aws:iam::" + c.Account.id + ":oidc-provider/" + oidcHost(c.Param("Url"))}
}

func checkThumbprints(tps []string) *APIError {
	if len(tps) > 5 {
		return validationError("Value at 'thumbprintList' failed to satisfy constraint: Member must have length less than or equal to 5")
	}
	for _, t := range tps {
		if !reThumbprint.MatchString(t) {
			return validationError("Value '%s' at 'thumbprintList' failed to satisfy constraint: Member must have length 40 and be hexadecimal", t)
		}
	}
	return nil
}

func checkClientIDs(ids []string) *APIError {
	if len(ids) > 100 {
		return invalidInput("Cannot exceed quota for ClientIdsPerOpenIdConnectProvider: 100")
	}
	for _, id := range ids {
		if err := checkLen("ClientIDList.member", id, 1, 255); err != nil {
			return err
		}
	}
	return nil
}

type createOIDCResult struct {
	OpenIDConnectProviderArn string
	Tags                     members[xmlTag] `xml:",omitempty"`
}

func iamCreateOIDC(c *Req) (any, error) {
	if err := required(c, "Url"); err != nil {
		return nil, err
	}
	url := c.Param("Url")
	if err := checkLen("Url", url, 1, 255); err != nil {
		return nil, err
	}
	if !strings.HasPrefix(url, "https://") || oidcHost(url) == "" {
		return nil, invalidInput("Invalid Url: %s. The URL must begin with https://", url)
	}
	ids, tps, tags := c.ParamList("ClientIDList"), c.ParamList("ThumbprintList"), c.ParamTags("Tags")
	if err := checkClientIDs(ids); err != nil {
		return nil, err
	}
	if err := checkThumbprints(tps); err != nil {
		return nil, err
	}
	if err := checkTags(tags); err != nil {
		return nil, err
	}
	arn := newOIDCResource(c)[0]
	if iamOf(c.Account).oidc[arn] != nil {
		return nil, alreadyExists("Provider with url %s already exists.", url)
	}
	iamOf(c.Account).oidc[arn] = &oidcProvider{arn: arn, url: oidcHost(url), clientIDs: ids, thumbprints: tps, tags: tags, created: c.Now}
	return createOIDCResult{OpenIDConnectProviderArn: arn, Tags: xmlTags(tags)}, nil
}

func existingOIDC(c *Req) (*oidcProvider, *APIError) {
	if err := required(c, "OpenIDConnectProviderArn"); err != nil {
		return nil, err
	}
	arn := c.Param("OpenIDConnectProviderArn")
	p := iamOf(c.Account).oidc[arn]
	if p == nil {
		return nil, noSuchEntity("OpenIDConnect provider not found for arn %s", arn)
	}
	return p, nil
}

type getOIDCResult struct {
	Url            string
	ClientIDList   members[string]
	ThumbprintList members[string]
	CreateDate     xmlTime
	Tags           members[xmlTag] `xml:",omitempty"`
}

func iamGetOIDC(c *Req) (any, error) {
	p, err := existingOIDC(c)
	if err != nil {
		return nil, err
	}
	return getOIDCResult{Url: p.url, ClientIDList: p.clientIDs, ThumbprintList: p.thumbprints, CreateDate: xmlTime(p.created), Tags: xmlTags(p.tags)}, nil
}

func iamDeleteOIDC(c *Req) (any, error) {
	p, err := existingOIDC(c)
	if err != nil {
		return nil, err
	}
	delete(iamOf(c.Account).oidc, p.arn)
	return nil, nil
}

type listOIDCResult struct {
	OpenIDConnectProviderList members[xmlARN]
}

func iamListOIDC(c *Req) (any, error) {
	arns := sortedKeys(iamOf(c.Account).oidc)
	out := listOIDCResult{OpenIDConnectProviderList: make(members[xmlARN], 0, len(arns))}
	for _, a := range arns {
		out.OpenIDConnectProviderList = append(out.OpenIDConnectProviderList, xmlARN{Arn: a})
	}
	return out, nil
}

func iamListOIDCTags(c *Req) (any, error) {
	p, err := existingOIDC(c)
	if err != nil {
		return nil, err
	}
	return listTags(c, p.tags)
}

func iamUpdateOIDCThumbprint(c *Req) (any, error) {
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

func iamAddOIDCClientID(c *Req) (any, error) {
	if err := required(c, "ClientID"); err != nil {
		return nil, err
	}
	p, err := existingOIDC(c)
	if err != nil {
		return nil, err
	}
	id := c.Param("ClientID")
	for _, x := range p.clientIDs {
		if x == id {
			return nil, nil
		}
	}
	if err := checkClientIDs(append(append([]string(nil), p.clientIDs...), id)); err != nil {
		return nil, err
	}
	p.clientIDs = append(p.clientIDs, id)
	return nil, nil
}

func iamRemoveOIDCClientID(c *Req) (any, error) {
	if err := required(c, "ClientID"); err != nil {
		return nil, err
	}
	p, err := existingOIDC(c)
	if err != nil {
		return nil, err
	}
	id := c.Param("ClientID")
	var keep []string
	for _, x := range p.clientIDs {
		if x != id {
			keep = append(keep, x)
		}
	}
	p.clientIDs = keep
	return nil, nil
}
