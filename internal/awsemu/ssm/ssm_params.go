package ssm

import (
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/lakehq/terraform-provider-lakesail/internal/awsemu/core"
)

func ssmParameterOps() []*core.Operation {
	return []*core.Operation{
		{Name: "PutParameter", Action: "ssm:PutParameter", Resources: ssmNameResource, Context: core.Contexts(ssmNameTags, ssmPutContext), Also: ssmTagOnPut, Handle: ssmPutParameter},
		{Name: "GetParameter", Action: "ssm:GetParameter", Resources: ssmNameResource, Context: ssmNameTags, Handle: ssmGetParameter},
		{Name: "GetParameters", Action: "ssm:GetParameters", Resources: ssmNamesResource, Also: ssmNamesTagged("ssm:GetParameters"), Handle: ssmGetParameters},
		{Name: "GetParametersByPath", Action: "ssm:GetParametersByPath", Resources: ssmPathResource, Context: ssmByPathContext, Handle: ssmGetParametersByPath},
		{Name: "DeleteParameter", Action: "ssm:DeleteParameter", Resources: ssmNameResource, Context: ssmNameTags, Handle: ssmDeleteParameter},
		{Name: "DeleteParameters", Action: "ssm:DeleteParameters", Resources: ssmNamesResource, Also: ssmNamesTagged("ssm:DeleteParameters"), Handle: ssmDeleteParameters},
		{Name: "DescribeParameters", Action: "ssm:DescribeParameters", Handle: ssmDescribeParameters},
	}
}

// ssmNameResource is the ARN of the parameter the body's Name names (without a selector).
func ssmNameResource(c *core.Req) []string {
	name, _ := ssmNameOf(c, core.JSONBody[struct{ Name string }](c).Name)
	return []string{ssmParamARN(c, name)}
}

// ssmNamesResource is the ARN of each parameter the body's Names lists.
func ssmNamesResource(c *core.Req) []string {
	var out []string
	for _, n := range core.JSONBody[struct{ Names []string }](c).Names {
		name, _ := ssmNameOf(c, n)
		out = append(out, ssmParamARN(c, name))
	}
	return out
}

// ssmNamesTagged evaluates action again on each existing, tagged parameter the body's Names
// lists, with that parameter's aws:ResourceTag/* (the operation's one Context cannot carry
// per-parameter tags), so that a tag-conditioned Deny applies as it does in AWS.
func ssmNamesTagged(action string) func(c *core.Req) []core.Check {
	return func(c *core.Req) []core.Check {
		var checks []core.Check
		for _, n := range core.JSONBody[struct{ Names []string }](c).Names {
			name, _ := ssmNameOf(c, n)
			if p := ssmOf(c).params[name]; p != nil && len(p.tags) > 0 {
				checks = append(checks, core.Check{Action: action, Resources: []string{ssmParamARN(c, name)}, Context: core.ResourceTagContext(p.tags, "ssm")})
			}
		}
		return checks
	}
}

// ssmPathResource is the ARN of the hierarchy GetParametersByPath reads.
func ssmPathResource(c *core.Req) []string {
	return []string{ssmParamARN(c, core.JSONBody[struct{ Path string }](c).Path)}
}

// ssmNameTags is aws:ResourceTag/* (and ssm:resourceTag/*) of the parameter the body names.
func ssmNameTags(c *core.Req) map[string][]string {
	name, _ := ssmNameOf(c, core.JSONBody[struct{ Name string }](c).Name)
	if p := ssmOf(c).params[name]; p != nil {
		return core.ResourceTagContext(p.tags, "ssm")
	}
	return nil
}

type ssmPutIn struct {
	Name, Description, Value, Type, KeyID, AllowedPattern, Tier, DataType string
	Overwrite                                                             *bool
	Tags                                                                  ssmTagList
}

// ssmPutContext: aws:RequestTag/*, aws:TagKeys and ssm:Overwrite for what PutParameter sets.
func ssmPutContext(c *core.Req) map[string][]string {
	in := core.JSONBody[ssmPutIn](c)
	m := core.MergeContext(core.RequestTagContext(in.Tags.tags()))
	if in.Overwrite != nil {
		m["ssm:Overwrite"] = core.BoolValues(*in.Overwrite)
	}
	return m
}

// ssmByPathContext is ssm:Recursive, when GetParametersByPath says whether it recurses.
func ssmByPathContext(c *core.Req) map[string][]string {
	if r := core.JSONBody[struct{ Recursive *bool }](c).Recursive; r != nil {
		return map[string][]string{"ssm:Recursive": core.BoolValues(*r)}
	}
	return nil
}

// ssmTagOnPut: creating a parameter with tags also needs ssm:AddTagsToResource.
func ssmTagOnPut(c *core.Req) []core.Check {
	tags := core.JSONBody[ssmPutIn](c).Tags.tags()
	if len(tags) == 0 {
		return nil
	}
	return []core.Check{{Action: "ssm:AddTagsToResource", Resources: ssmNameResource(c), Context: core.RequestTagContext(tags)}}
}

// ssmTiers are the parameter tiers and the value sizes they hold.
var ssmTiers = map[string]int{"Standard": 4096, "Advanced": 8192}

func ssmPutParameter(c *core.Req) (any, error) {
	var in ssmPutIn
	if err := c.DecodeJSON(&in); err != nil {
		return nil, err
	}
	if err := checkSSMName(in.Name); err != nil {
		return nil, err
	}
	if in.Value == "" {
		return nil, ssmValidation("1 validation error detected: Value '' at 'value' failed to satisfy constraint: Member must have length greater than or equal to 1")
	}
	overwrite := in.Overwrite != nil && *in.Overwrite
	if overwrite && len(in.Tags) > 0 {
		return nil, ssmValidation("Invalid request: tags and overwrite can't be used together. To create a parameter with tags, please remove overwrite flag. To update tags for an existing parameter, please use AddTagsToResource or RemoveTagsFromResource.")
	}
	st := ssmOf(c)
	p := st.params[in.Name]
	if p != nil && !overwrite {
		return nil, core.NewError("ParameterAlreadyExists", 400, "The parameter already exists. To overwrite this value, set the overwrite option in the request to true.")
	}
	typ := in.Type
	if typ == "" {
		if p == nil {
			return nil, ssmValidation("A parameter type is required when you create a parameter.")
		}
		typ = p.current().typ
	}
	if !core.OneOf(typ, "String", "StringList", "SecureString") {
		return nil, ssmValidation("1 validation error detected: Value '%s' at 'type' failed to satisfy constraint: Member must satisfy enum value set: [SecureString, StringList, String]", typ)
	}
	keyID := in.KeyID
	if keyID != "" && typ != "SecureString" {
		return nil, ssmValidation("KeyId is required for SecureString type parameter only.")
	}
	if typ == "SecureString" && keyID == "" {
		keyID = ssmDefaultKey
		if p != nil && p.current().keyID != "" && in.Type == "" {
			keyID = p.current().keyID
		}
	}
	tier, err := ssmTier(in.Tier, p, in.Value)
	if err != nil {
		return nil, err
	}
	pattern := in.AllowedPattern
	if pattern == "" && p != nil {
		pattern = p.allowedPattern
	}
	if pattern != "" {
		re, reErr := regexp.Compile(pattern)
		if reErr != nil || !re.MatchString(in.Value) {
			return nil, core.NewError("ParameterPatternMismatchException", 400, "Parameter value, cannot be validated against allowedPattern: %s", pattern)
		}
	}
	dataType := in.DataType
	if dataType == "" {
		dataType = "text"
	}
	if !core.OneOf(dataType, "text", "aws:ec2:image", "aws:ssm:integration") {
		return nil, ssmValidation("The following data type is not supported: %s (Data type names are all lowercase.)", dataType)
	}
	tags := in.Tags.tags()
	if err := checkSSMTags(tags); err != nil {
		return nil, err
	}
	if p != nil && len(p.versions) >= 100 {
		return nil, core.NewError("ParameterMaxVersionLimitExceeded", 400, "You attempted to create a new version of %s by calling the PutParameter API with the overwrite flag. Version %d, the oldest version, can't be deleted because it has a label associated with it. Move the label to another version of the parameter, and try again.", in.Name, p.versions[0].version)
	}
	v := &ssmVersion{version: 1, typ: typ, value: in.Value, keyID: keyID, modified: c.Now, modifiedUser: c.Caller.ARN}
	if typ == "SecureString" {
		if v.ciphertext, err = ssmEncrypt(c, in.Name, keyID, tier, in.Value); err != nil {
			return nil, err
		}
	}
	if p == nil {
		p = &ssmParam{name: in.Name, tags: tags}
		st.params[in.Name] = p
	} else {
		v.version = p.current().version + 1
	}
	p.versions = append(p.versions, v)
	p.tier, p.dataType, p.allowedPattern = tier, dataType, pattern
	if in.Description != "" {
		p.description = in.Description
	}
	return map[string]any{"Version": v.version, "Tier": tier}, nil
}

// ssmTier resolves the tier a value is stored in: Standard holds 4 KB, Advanced 8 KB, and a
// parameter never moves back from Advanced to Standard.
func ssmTier(requested string, p *ssmParam, value string) (string, *core.APIError) {
	tier := requested
	switch tier {
	case "":
		tier = "Standard"
		if p != nil {
			tier = p.tier
		}
	case "Intelligent-Tiering":
		tier = "Standard"
		if len(value) > ssmTiers["Standard"] || p != nil && p.tier == "Advanced" {
			tier = "Advanced"
		}
	case "Standard", "Advanced":
	default:
		return "", ssmValidation("1 validation error detected: Value '%s' at 'tier' failed to satisfy constraint: Member must satisfy enum value set: [Advanced, Intelligent-Tiering, Standard]", requested)
	}
	if p != nil && p.tier == "Advanced" && tier == "Standard" {
		return "", ssmValidation("This parameter uses the advanced-parameter tier. You can't downgrade a parameter from the advanced-parameter tier to the standard-parameter tier. If necessary, you can delete the advanced parameter and recreate it as a standard parameter.")
	}
	if utf8.RuneCountInString(value) > ssmTiers[tier] {
		if tier == "Standard" {
			return "", ssmValidation("Standard tier parameters support a maximum parameter value of 4096 characters. To create a larger parameter value, upgrade the parameter to use the advanced-parameter tier. For more information, see https://docs.aws.amazon.com/systems-manager/latest/userguide/advanced-parameters.html")
		}
		return "", ssmValidation("1 validation error detected: Value at 'value' failed to satisfy constraint: Member must have length less than or equal to 8192")
	}
	return tier, nil
}

type ssmParamOut struct {
	Name             string        `json:"Name"`
	Type             string        `json:"Type"`
	Value            string        `json:"Value"`
	Version          int           `json:"Version"`
	Selector         string        `json:"Selector,omitempty"`
	LastModifiedDate core.WireTime `json:"LastModifiedDate"`
	ARN              string        `json:"ARN"`
	DataType         string        `json:"DataType"`
}

// ssmRead renders a parameter version; a SecureString shows its ciphertext unless decrypted
// (through KMS, as the caller).
func ssmRead(c *core.Req, p *ssmParam, v *ssmVersion, selector string, decrypt bool) (ssmParamOut, *core.APIError) {
	value := v.value
	if v.typ == "SecureString" {
		value = v.ciphertext
		if decrypt {
			var err *core.APIError
			if value, err = ssmDecrypt(c, p, v); err != nil {
				return ssmParamOut{}, err
			}
		}
	}
	if selector != "" {
		selector = ":" + selector
	}
	return ssmParamOut{Name: p.name, Type: v.typ, Value: value, Version: v.version, Selector: selector,
		LastModifiedDate: core.WireTime(v.modified), ARN: ssmParamARN(c, p.name), DataType: p.dataType}, nil
}

// ssmLookup finds a parameter version by a name with an optional ":version" selector: the
// account's own parameter, or a public one.
func ssmLookup(c *core.Req, raw string) (*ssmParam, *ssmVersion, string, *core.APIError) {
	name, selector := ssmNameOf(c, raw)
	p := ssmOf(c).params[name]
	if p == nil {
		p = ssmPublicParam(c, name)
	}
	if p == nil {
		return nil, nil, "", ssmNotFound(raw)
	}
	if selector == "" {
		return p, p.current(), "", nil
	}
	n, err := strconv.Atoi(selector)
	if err != nil {
		return nil, nil, "", core.NewError("ParameterVersionLabelNotFound", 400, "The specified parameter label %s was not found.", selector)
	}
	for _, v := range p.versions {
		if v.version == n {
			return p, v, selector, nil
		}
	}
	return nil, nil, "", core.NewError("ParameterVersionNotFound", 400, "Systems Manager could not find version %d of %s. Verify the version and try again.", n, name)
}

func ssmGetParameter(c *core.Req) (any, error) {
	var in struct {
		Name           string
		WithDecryption bool
	}
	if err := c.DecodeJSON(&in); err != nil {
		return nil, err
	}
	p, v, sel, err := ssmLookup(c, in.Name)
	if err != nil {
		return nil, err
	}
	out, rerr := ssmRead(c, p, v, sel, in.WithDecryption)
	if rerr != nil {
		return nil, rerr
	}
	return map[string]any{"Parameter": out}, nil
}

func ssmGetParameters(c *core.Req) (any, error) {
	var in struct {
		Names          []string
		WithDecryption bool
	}
	if err := c.DecodeJSON(&in); err != nil {
		return nil, err
	}
	if len(in.Names) == 0 || len(in.Names) > 10 {
		return nil, ssmValidation("1 validation error detected: Value at 'names' failed to satisfy constraint: Member must have length less than or equal to 10 and greater than or equal to 1")
	}
	params, invalid := []ssmParamOut{}, []string{}
	for _, n := range core.Unique(in.Names) {
		p, v, sel, err := ssmLookup(c, n)
		if err != nil {
			invalid = append(invalid, n)
			continue
		}
		out, rerr := ssmRead(c, p, v, sel, in.WithDecryption)
		if rerr != nil {
			return nil, rerr
		}
		params = append(params, out)
	}
	return map[string]any{"Parameters": params, "InvalidParameters": invalid}, nil
}

func ssmGetParametersByPath(c *core.Req) (any, error) {
	var in struct {
		Path                      string
		Recursive, WithDecryption bool
		MaxResults                *int
		NextToken                 string
	}
	if err := c.DecodeJSON(&in); err != nil {
		return nil, err
	}
	if !strings.HasPrefix(in.Path, "/") {
		return nil, ssmValidation("The parameter doesn't meet the parameter name requirements. The parameter name must begin with a forward slash \"/\".")
	}
	size := 10
	if in.MaxResults != nil {
		if *in.MaxResults < 1 || *in.MaxResults > 10 {
			return nil, ssmValidation("1 validation error detected: Value '%d' at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to 10", *in.MaxResults)
		}
		size = *in.MaxResults
	}
	prefix := strings.TrimSuffix(in.Path, "/") + "/"
	var found []*ssmParam
	all := ssmOf(c).sorted()
	if ssmIsPublic(prefix) {
		all = ssmPublicParams(c) // the public hierarchy holds no parameter of the account
	}
	for _, p := range all {
		rest, ok := strings.CutPrefix(p.name, prefix)
		if ok && (in.Recursive || !strings.Contains(rest, "/")) {
			found = append(found, p)
		}
	}
	page, next, ok := core.PageByToken(found, in.NextToken, size)
	if !ok {
		return nil, core.NewError("InvalidNextToken", 400, "The specified token isn't valid.")
	}
	out := []ssmParamOut{}
	for _, p := range page {
		v, rerr := ssmRead(c, p, p.current(), "", in.WithDecryption)
		if rerr != nil {
			return nil, rerr
		}
		out = append(out, v)
	}
	return ssmParamsPage{Parameters: out, NextToken: next}, nil
}

type ssmParamsPage struct {
	Parameters []ssmParamOut `json:"Parameters"`
	NextToken  string        `json:"NextToken,omitempty"`
}

func ssmDeleteParameter(c *core.Req) (any, error) {
	var in struct{ Name string }
	if err := c.DecodeJSON(&in); err != nil {
		return nil, err
	}
	if err := ssmReservedName(in.Name); err != nil {
		return nil, err // a public parameter, or a name no account can hold
	}
	st := ssmOf(c)
	if st.params[in.Name] == nil {
		return nil, ssmNotFound(in.Name)
	}
	delete(st.params, in.Name)
	return nil, nil
}

func ssmDeleteParameters(c *core.Req) (any, error) {
	var in struct{ Names []string }
	if err := c.DecodeJSON(&in); err != nil {
		return nil, err
	}
	if len(in.Names) == 0 || len(in.Names) > 10 {
		return nil, ssmValidation("1 validation error detected: Value at 'names' failed to satisfy constraint: Member must have length less than or equal to 10 and greater than or equal to 1")
	}
	st := ssmOf(c)
	deleted, invalid := []string{}, []string{}
	for _, n := range core.Unique(in.Names) {
		if st.params[n] == nil {
			invalid = append(invalid, n)
			continue
		}
		delete(st.params, n)
		deleted = append(deleted, n)
	}
	return map[string]any{"DeletedParameters": deleted, "InvalidParameters": invalid}, nil
}
