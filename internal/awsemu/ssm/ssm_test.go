package ssm_test

import (
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	ssmtypes "github.com/aws/aws-sdk-go-v2/service/ssm/types"

	"github.com/lakehq/terraform-provider-lakesail/internal/awsemu"
	"github.com/lakehq/terraform-provider-lakesail/internal/awsemu/emutest"
)

func TestEmuSSMParameterRoundTrip(t *testing.T) {
	e, _ := emutest.NewTestEmu(t, awsemu.Options{})
	c := emutest.SsmClient(e, e.RootCredentials())
	out, err := c.PutParameter(emutest.Bg, &ssm.PutParameterInput{Name: aws.String("/lakesail/ws1/endpoint"), Value: aws.String("https://a"), Type: ssmtypes.ParameterTypeString,
		Description: aws.String("endpoint"), Tags: []ssmtypes.Tag{{Key: aws.String("LakeSail-Workspace"), Value: aws.String("ws1")}}})
	emutest.Must(t, err)
	if out.Version != 1 || out.Tier != ssmtypes.ParameterTierStandard {
		t.Fatalf("put = %d %s", out.Version, out.Tier)
	}
	_, err = c.PutParameter(emutest.Bg, &ssm.PutParameterInput{Name: aws.String("/lakesail/ws1/endpoint"), Value: aws.String("https://b")})
	var exists *ssmtypes.ParameterAlreadyExists
	if !errors.As(err, &exists) {
		t.Fatalf("second put: %v", err)
	}
	_, err = c.PutParameter(emutest.Bg, &ssm.PutParameterInput{Name: aws.String("/lakesail/ws1/endpoint"), Value: aws.String("https://b"), Overwrite: aws.Bool(true),
		Tags: []ssmtypes.Tag{{Key: aws.String("a"), Value: aws.String("b")}}})
	emutest.WantCode(t, err, "ValidationException")
	emutest.WantContains(t, emutest.ErrMessage(err), "tags and overwrite can't be used together")
	out, err = c.PutParameter(emutest.Bg, &ssm.PutParameterInput{Name: aws.String("/lakesail/ws1/endpoint"), Value: aws.String("https://b"), Overwrite: aws.Bool(true)})
	emutest.Must(t, err)
	if out.Version != 2 {
		t.Fatalf("overwrite version = %d", out.Version)
	}
	got, err := c.GetParameter(emutest.Bg, &ssm.GetParameterInput{Name: aws.String("/lakesail/ws1/endpoint")})
	emutest.Must(t, err)
	p := got.Parameter
	if *p.Value != "https://b" || p.Version != 2 || p.Type != ssmtypes.ParameterTypeString || *p.ARN != "arn:aws:ssm:us-east-1:123456789012:parameter/lakesail/ws1/endpoint" ||
		!p.LastModifiedDate.Equal(emutest.T0) || *p.DataType != "text" {
		t.Fatalf("parameter = %+v", p)
	}
	old, err := c.GetParameter(emutest.Bg, &ssm.GetParameterInput{Name: aws.String("/lakesail/ws1/endpoint:1")})
	emutest.Must(t, err)
	if *old.Parameter.Value != "https://a" || *old.Parameter.Selector != ":1" {
		t.Fatalf("version 1 = %+v", old.Parameter)
	}
	_, err = c.GetParameter(emutest.Bg, &ssm.GetParameterInput{Name: aws.String("/lakesail/ws1/nope")})
	var nf *ssmtypes.ParameterNotFound
	if !errors.As(err, &nf) {
		t.Fatalf("missing: %v", err)
	}

	emutest.SsmPut(t, c, "/lakesail/ws1/hosts", "a,b", ssmtypes.ParameterTypeStringList)
	emutest.SsmPut(t, c, "/lakesail/ws1/tls/ca", "ca", ssmtypes.ParameterTypeString)
	emutest.SsmPut(t, c, "/lakesail/ws2/endpoint", "x", ssmtypes.ParameterTypeString)
	emutest.SsmPut(t, c, "plain", "p", ssmtypes.ParameterTypeString)
	many, err := c.GetParameters(emutest.Bg, &ssm.GetParametersInput{Names: []string{"/lakesail/ws1/hosts", "plain", "/missing"}})
	emutest.Must(t, err)
	if len(many.Parameters) != 2 || fmt.Sprint(many.InvalidParameters) != "[/missing]" {
		t.Fatalf("GetParameters = %+v %v", many.Parameters, many.InvalidParameters)
	}
	byPath := func(path string, recursive bool) []string {
		var names []string
		pg := ssm.NewGetParametersByPathPaginator(c, &ssm.GetParametersByPathInput{Path: aws.String(path), Recursive: aws.Bool(recursive), MaxResults: aws.Int32(1)})
		for pg.HasMorePages() {
			page, err := pg.NextPage(emutest.Bg)
			emutest.Must(t, err)
			for _, p := range page.Parameters {
				names = append(names, *p.Name)
			}
		}
		return names
	}
	if got := fmt.Sprint(byPath("/lakesail/ws1", false)); got != "[/lakesail/ws1/endpoint /lakesail/ws1/hosts]" {
		t.Fatalf("one level = %s", got)
	}
	if got := fmt.Sprint(byPath("/lakesail/ws1/", true)); got != "[/lakesail/ws1/endpoint /lakesail/ws1/hosts /lakesail/ws1/tls/ca]" {
		t.Fatalf("recursive = %s", got)
	}
	_, err = c.GetParametersByPath(emutest.Bg, &ssm.GetParametersByPathInput{Path: aws.String("lakesail")})
	emutest.WantCode(t, err, "ValidationException")

	desc, err := c.DescribeParameters(emutest.Bg, &ssm.DescribeParametersInput{ParameterFilters: []ssmtypes.ParameterStringFilter{
		{Key: aws.String("Path"), Option: aws.String("Recursive"), Values: []string{"/lakesail"}},
		{Key: aws.String("Type"), Values: []string{"String"}},
	}})
	emutest.Must(t, err)
	if len(desc.Parameters) != 3 || *desc.Parameters[0].Name != "/lakesail/ws1/endpoint" || desc.Parameters[0].Version != 2 ||
		*desc.Parameters[0].Description != "endpoint" || *desc.Parameters[0].LastModifiedUser != "arn:aws:iam::123456789012:root" {
		t.Fatalf("describe = %+v", desc.Parameters)
	}
	desc, err = c.DescribeParameters(emutest.Bg, &ssm.DescribeParametersInput{ParameterFilters: []ssmtypes.ParameterStringFilter{
		{Key: aws.String("tag:LakeSail-Workspace"), Values: []string{"ws1"}}}})
	emutest.Must(t, err)
	if len(desc.Parameters) != 1 {
		t.Fatalf("by tag = %+v", desc.Parameters)
	}
	_, err = c.DescribeParameters(emutest.Bg, &ssm.DescribeParametersInput{ParameterFilters: []ssmtypes.ParameterStringFilter{{Key: aws.String("Colour"), Values: []string{"x"}}}})
	emutest.WantCode(t, err, "InvalidFilterKey")

	_, err = c.DeleteParameter(emutest.Bg, &ssm.DeleteParameterInput{Name: aws.String("plain")})
	emutest.Must(t, err)
	_, err = c.DeleteParameter(emutest.Bg, &ssm.DeleteParameterInput{Name: aws.String("plain")})
	emutest.WantCode(t, err, "ParameterNotFound")
	del, err := c.DeleteParameters(emutest.Bg, &ssm.DeleteParametersInput{Names: []string{"/lakesail/ws2/endpoint", "/gone"}})
	emutest.Must(t, err)
	if fmt.Sprint(del.DeletedParameters, del.InvalidParameters) != "[/lakesail/ws2/endpoint] [/gone]" {
		t.Fatalf("DeleteParameters = %v %v", del.DeletedParameters, del.InvalidParameters)
	}
}

func TestEmuSSMSecureString(t *testing.T) {
	e, _ := emutest.NewTestEmu(t, awsemu.Options{})
	c := emutest.SsmClient(e, e.RootCredentials())
	key := *emutest.CreateKey(t, emutest.KmsClient(e, e.RootCredentials()), nil).Arn
	secret := "-----BEGIN PRIVATE KEY-----\nMIIE...\n-----END PRIVATE KEY-----\n"
	_, err := c.PutParameter(emutest.Bg, &ssm.PutParameterInput{Name: aws.String("/lakesail/ws1/tls/key"), Value: aws.String(secret), Type: ssmtypes.ParameterTypeSecureString, KeyId: aws.String(key)})
	emutest.Must(t, err)
	enc, err := c.GetParameter(emutest.Bg, &ssm.GetParameterInput{Name: aws.String("/lakesail/ws1/tls/key")})
	emutest.Must(t, err)
	blob, err := base64.StdEncoding.DecodeString(*enc.Parameter.Value)
	if err != nil || strings.Contains(string(blob), "PRIVATE KEY") || enc.Parameter.Type != ssmtypes.ParameterTypeSecureString {
		t.Fatalf("without decryption: %q (%v)", *enc.Parameter.Value, err)
	}
	dec, err := c.GetParameter(emutest.Bg, &ssm.GetParameterInput{Name: aws.String("/lakesail/ws1/tls/key"), WithDecryption: aws.Bool(true)})
	emutest.Must(t, err)
	if *dec.Parameter.Value != secret {
		t.Fatalf("decrypted = %q", *dec.Parameter.Value)
	}
	all, err := c.GetParameters(emutest.Bg, &ssm.GetParametersInput{Names: []string{"/lakesail/ws1/tls/key"}, WithDecryption: aws.Bool(true)})
	emutest.Must(t, err)
	if *all.Parameters[0].Value != secret {
		t.Fatal("GetParameters did not decrypt")
	}
	desc, err := c.DescribeParameters(emutest.Bg, &ssm.DescribeParametersInput{})
	emutest.Must(t, err)
	if *desc.Parameters[0].KeyId != key {
		t.Fatalf("key id = %v", desc.Parameters[0].KeyId)
	}
	_, err = c.PutParameter(emutest.Bg, &ssm.PutParameterInput{Name: aws.String("/lakesail/ws1/tls/default"), Value: aws.String("s"), Type: ssmtypes.ParameterTypeSecureString})
	emutest.Must(t, err)
	desc, err = c.DescribeParameters(emutest.Bg, &ssm.DescribeParametersInput{Filters: []ssmtypes.ParametersFilter{{Key: ssmtypes.ParametersFilterKeyKeyId, Values: []string{"alias/aws/ssm"}}}})
	emutest.Must(t, err)
	if len(desc.Parameters) != 1 || *desc.Parameters[0].Name != "/lakesail/ws1/tls/default" {
		t.Fatalf("default key = %+v", desc.Parameters)
	}
	_, err = c.PutParameter(emutest.Bg, &ssm.PutParameterInput{Name: aws.String("/s"), Value: aws.String("s"), Type: ssmtypes.ParameterTypeString, KeyId: aws.String(key)})
	emutest.WantCode(t, err, "ValidationException")
	_, err = c.PutParameter(emutest.Bg, &ssm.PutParameterInput{Name: aws.String("/s"), Value: aws.String("s"), Type: ssmtypes.ParameterTypeSecureString, KeyId: aws.String("alias/none")})
	emutest.WantCode(t, err, "InvalidKeyId")

	// The stored value is the emulator's KMS ciphertext under the parameter's encryption context.
	plain, err := emutest.KmsClient(e, e.RootCredentials()).Decrypt(emutest.Bg, &kms.DecryptInput{CiphertextBlob: blob,
		EncryptionContext: map[string]string{"PARAMETER_ARN": "arn:aws:ssm:us-east-1:123456789012:parameter/lakesail/ws1/tls/key"}})
	emutest.Must(t, err)
	if string(plain.Plaintext) != secret || *plain.KeyId != key {
		t.Fatalf("KMS decrypt = %q %s", plain.Plaintext, *plain.KeyId)
	}
}

// SecureStrings under a customer key need kms:Encrypt to write and kms:Decrypt to read with
// decryption, asked of KMS as the caller, via SSM, with the parameter's encryption context.
func TestEmuSSMSecureStringNeedsKMS(t *testing.T) {
	e, _ := emutest.NewTestEmu(t, awsemu.Options{})
	key := *emutest.CreateKey(t, emutest.KmsClient(e, e.RootCredentials()), nil).Arn
	viaSSM := map[string]any{"StringEquals": map[string]any{"kms:ViaService": "ssm.us-east-1.amazonaws.com",
		"kms:EncryptionContext:PARAMETER_ARN": "arn:aws:ssm:us-east-1:123456789012:parameter/lakesail/secret"}}
	iamc := emutest.IamClient(e, e.RootCredentials())
	newSession := func(name string, stmts ...emutest.Stmt) *ssm.Client {
		r := emutest.CreateRole(t, iamc, &iam.CreateRoleInput{RoleName: aws.String(name)}, emutest.Doc(append([]emutest.Stmt{emutest.Allow("ssm:*", "*")}, stmts...)...))
		return emutest.SsmClient(e, emutest.Assume(t, e, e.RootCredentials(), *r.Arn, ""))
	}
	noKMS := newSession("no-kms")
	writer := newSession("writer", emutest.Stmt{Effect: "Allow", Action: "kms:Encrypt", Resource: key, Condition: viaSSM})
	reader := newSession("reader", emutest.Stmt{Effect: "Allow", Action: "kms:Decrypt", Resource: key, Condition: viaSSM})
	put := &ssm.PutParameterInput{Name: aws.String("/lakesail/secret"), Value: aws.String("s3cr3t"), Type: ssmtypes.ParameterTypeSecureString, KeyId: aws.String(key)}
	_, err := noKMS.PutParameter(emutest.Bg, put)
	emutest.WantCode(t, err, "AccessDeniedException")
	emutest.WantContains(t, emutest.ErrMessage(err), "kms:Encrypt on resource: "+key)
	advanced := *put
	advanced.Name, advanced.Tier = aws.String("/lakesail/advanced"), ssmtypes.ParameterTierAdvanced
	_, err = writer.PutParameter(emutest.Bg, &advanced) // envelope encryption: kms:GenerateDataKey
	emutest.WantCode(t, err, "AccessDeniedException")
	emutest.WantContains(t, emutest.ErrMessage(err), "kms:GenerateDataKey")
	_, err = writer.PutParameter(emutest.Bg, put)
	emutest.Must(t, err)
	for _, s := range []*ssm.Client{noKMS, writer} {
		_, err = s.GetParameter(emutest.Bg, &ssm.GetParameterInput{Name: aws.String("/lakesail/secret"), WithDecryption: aws.Bool(true)})
		emutest.WantCode(t, err, "AccessDeniedException")
		emutest.WantContains(t, emutest.ErrMessage(err), "kms:Decrypt")
		_, err = s.GetParameter(emutest.Bg, &ssm.GetParameterInput{Name: aws.String("/lakesail/secret")})
		emutest.Must(t, err) // the ciphertext needs no key permission
	}
	got, err := reader.GetParameter(emutest.Bg, &ssm.GetParameterInput{Name: aws.String("/lakesail/secret"), WithDecryption: aws.Bool(true)})
	emutest.Must(t, err)
	if *got.Parameter.Value != "s3cr3t" {
		t.Fatalf("decrypted = %q", *got.Parameter.Value)
	}
	// The default key, alias/aws/ssm, serves any principal of the account through SSM.
	_, err = noKMS.PutParameter(emutest.Bg, &ssm.PutParameterInput{Name: aws.String("/lakesail/default"), Value: aws.String("d"), Type: ssmtypes.ParameterTypeSecureString})
	emutest.Must(t, err)
	got, err = noKMS.GetParameter(emutest.Bg, &ssm.GetParameterInput{Name: aws.String("/lakesail/default"), WithDecryption: aws.Bool(true)})
	emutest.Must(t, err)
	if *got.Parameter.Value != "d" {
		t.Fatalf("default-key value = %q", *got.Parameter.Value)
	}
	// A disabled key can neither encrypt nor decrypt.
	_, err = emutest.KmsClient(e, e.RootCredentials()).DisableKey(emutest.Bg, &kms.DisableKeyInput{KeyId: aws.String(key)})
	emutest.Must(t, err)
	_, err = reader.GetParameter(emutest.Bg, &ssm.GetParameterInput{Name: aws.String("/lakesail/secret"), WithDecryption: aws.Bool(true)})
	emutest.WantCode(t, err, "InvalidKeyId")
}

func TestEmuSSMValidation(t *testing.T) {
	e, _ := emutest.NewTestEmu(t, awsemu.Options{})
	c := emutest.SsmClient(e, e.RootCredentials())
	for name, in := range map[string]*ssm.PutParameterInput{
		"aws prefix":      {Name: aws.String("/AWS/x"), Value: aws.String("v"), Type: ssmtypes.ParameterTypeString},
		"ssm prefix":      {Name: aws.String("ssm-thing"), Value: aws.String("v"), Type: ssmtypes.ParameterTypeString},
		"not qualified":   {Name: aws.String("a/b"), Value: aws.String("v"), Type: ssmtypes.ParameterTypeString},
		"bad characters":  {Name: aws.String("/a b"), Value: aws.String("v"), Type: ssmtypes.ParameterTypeString},
		"no type":         {Name: aws.String("/new"), Value: aws.String("v")},
		"standard > 4 KB": {Name: aws.String("/big"), Value: aws.String(strings.Repeat("x", 5000)), Type: ssmtypes.ParameterTypeString},
	} {
		if _, err := c.PutParameter(emutest.Bg, in); emutest.ErrCode(err) != "ValidationException" {
			t.Errorf("%s: %v", name, err)
		}
	}
	_, err := c.PutParameter(emutest.Bg, &ssm.PutParameterInput{Name: aws.String(strings.Repeat("/l", 16)), Value: aws.String("v"), Type: ssmtypes.ParameterTypeString})
	emutest.WantCode(t, err, "HierarchyLevelLimitExceededException")
	out, err := c.PutParameter(emutest.Bg, &ssm.PutParameterInput{Name: aws.String("/big"), Value: aws.String(strings.Repeat("x", 5000)), Type: ssmtypes.ParameterTypeString, Tier: ssmtypes.ParameterTierIntelligentTiering})
	emutest.Must(t, err)
	if out.Tier != ssmtypes.ParameterTierAdvanced {
		t.Fatalf("intelligent tiering chose %s", out.Tier)
	}
	_, err = c.PutParameter(emutest.Bg, &ssm.PutParameterInput{Name: aws.String("/big"), Value: aws.String("small"), Overwrite: aws.Bool(true), Tier: ssmtypes.ParameterTierStandard})
	emutest.WantCode(t, err, "ValidationException")
	_, err = c.PutParameter(emutest.Bg, &ssm.PutParameterInput{Name: aws.String("/pat"), Value: aws.String("abc"), Type: ssmtypes.ParameterTypeString, AllowedPattern: aws.String("^[0-9]+$")})
	emutest.WantCode(t, err, "ParameterPatternMismatchException")
}

func TestEmuSSMTags(t *testing.T) {
	e, _ := emutest.NewTestEmu(t, awsemu.Options{})
	c := emutest.SsmClient(e, e.RootCredentials())
	emutest.SsmPut(t, c, "/t", "v", ssmtypes.ParameterTypeString)
	_, err := c.AddTagsToResource(emutest.Bg, &ssm.AddTagsToResourceInput{ResourceType: ssmtypes.ResourceTypeForTaggingParameter, ResourceId: aws.String("/t"),
		Tags: []ssmtypes.Tag{{Key: aws.String("a"), Value: aws.String("1")}, {Key: aws.String("b"), Value: aws.String("2")}}})
	emutest.Must(t, err)
	_, err = c.RemoveTagsFromResource(emutest.Bg, &ssm.RemoveTagsFromResourceInput{ResourceType: ssmtypes.ResourceTypeForTaggingParameter, ResourceId: aws.String("/t"), TagKeys: []string{"a"}})
	emutest.Must(t, err)
	got, err := c.ListTagsForResource(emutest.Bg, &ssm.ListTagsForResourceInput{ResourceType: ssmtypes.ResourceTypeForTaggingParameter, ResourceId: aws.String("/t")})
	emutest.Must(t, err)
	if len(got.TagList) != 1 || *got.TagList[0].Key != "b" {
		t.Fatalf("tags = %+v", got.TagList)
	}
	_, err = c.ListTagsForResource(emutest.Bg, &ssm.ListTagsForResourceInput{ResourceType: ssmtypes.ResourceTypeForTaggingParameter, ResourceId: aws.String("/none")})
	emutest.WantCode(t, err, "InvalidResourceId")
	_, err = c.ListTagsForResource(emutest.Bg, &ssm.ListTagsForResourceInput{ResourceType: ssmtypes.ResourceTypeForTaggingDocument, ResourceId: aws.String("/t")})
	emutest.WantCode(t, err, "InvalidResourceType")
}

// Parameter ARNs and tags decide SSM calls; tagging on create needs ssm:AddTagsToResource.
func TestEmuSSMAuthorization(t *testing.T) {
	e, _ := emutest.NewTestEmu(t, awsemu.Options{})
	root := emutest.SsmClient(e, e.RootCredentials())
	emutest.SsmPut(t, root, "/lakesail/a", "v", ssmtypes.ParameterTypeString)
	emutest.SsmPut(t, root, "/other/b", "v", ssmtypes.ParameterTypeString)
	_, err := root.AddTagsToResource(emutest.Bg, &ssm.AddTagsToResourceInput{ResourceType: ssmtypes.ResourceTypeForTaggingParameter, ResourceId: aws.String("/other/b"),
		Tags: []ssmtypes.Tag{{Key: aws.String("team"), Value: aws.String("blue")}}})
	emutest.Must(t, err)
	r := emutest.CreateRole(t, emutest.IamClient(e, e.RootCredentials()), &iam.CreateRoleInput{RoleName: aws.String("params")}, emutest.Doc(
		emutest.Allow([]string{"ssm:PutParameter", "ssm:GetParameter"}, "arn:aws:ssm:us-east-1:123456789012:parameter/lakesail/*"),
		emutest.Stmt{Effect: "Allow", Action: "ssm:GetParameter", Resource: "*", Condition: map[string]any{"StringEquals": map[string]any{"ssm:resourceTag/team": "blue"}}},
	))
	s := emutest.SsmClient(e, emutest.Assume(t, e, e.RootCredentials(), *r.Arn, ""))
	_, err = s.GetParameter(emutest.Bg, &ssm.GetParameterInput{Name: aws.String("/lakesail/a")})
	emutest.Must(t, err)
	_, err = s.GetParameter(emutest.Bg, &ssm.GetParameterInput{Name: aws.String("/other/b")})
	emutest.Must(t, err) // through the tag
	_, err = s.PutParameter(emutest.Bg, &ssm.PutParameterInput{Name: aws.String("/other/c"), Value: aws.String("v"), Type: ssmtypes.ParameterTypeString})
	emutest.WantCode(t, err, "AccessDeniedException")
	emutest.WantContains(t, emutest.ErrMessage(err), "ssm:PutParameter on resource: arn:aws:ssm:us-east-1:123456789012:parameter/other/c")
	_, err = s.PutParameter(emutest.Bg, &ssm.PutParameterInput{Name: aws.String("/lakesail/tagged"), Value: aws.String("v"), Type: ssmtypes.ParameterTypeString,
		Tags: []ssmtypes.Tag{{Key: aws.String("a"), Value: aws.String("b")}}})
	emutest.WantCode(t, err, "AccessDeniedException")
	emutest.WantContains(t, emutest.ErrMessage(err), "ssm:AddTagsToResource")
}

// GetParametersByPath carries ssm:Recursive when the request says whether it recurses, so a
// policy can refuse recursive reads of a hierarchy.
func TestEmuSSMGetParametersByPathRecursiveKey(t *testing.T) {
	e, _ := emutest.NewTestEmu(t, awsemu.Options{})
	root := emutest.SsmClient(e, e.RootCredentials())
	emutest.SsmPut(t, root, "/lakesail/a", "v", ssmtypes.ParameterTypeString)
	r := emutest.CreateRole(t, emutest.IamClient(e, e.RootCredentials()), &iam.CreateRoleInput{RoleName: aws.String("bypath")}, emutest.Doc(
		emutest.Allow("ssm:GetParametersByPath", "*"),
		emutest.Stmt{Effect: "Deny", Action: "ssm:GetParametersByPath", Resource: "*", Condition: map[string]any{"StringEquals": map[string]any{"ssm:Recursive": "true"}}},
	))
	s := emutest.SsmClient(e, emutest.Assume(t, e, e.RootCredentials(), *r.Arn, ""))
	_, err := s.GetParametersByPath(emutest.Bg, &ssm.GetParametersByPathInput{Path: aws.String("/lakesail"), Recursive: aws.Bool(false)})
	emutest.Must(t, err)
	_, err = s.GetParametersByPath(emutest.Bg, &ssm.GetParametersByPathInput{Path: aws.String("/lakesail")})
	emutest.Must(t, err)
	_, err = s.GetParametersByPath(emutest.Bg, &ssm.GetParametersByPathInput{Path: aws.String("/lakesail"), Recursive: aws.Bool(true)})
	emutest.WantCode(t, err, "AccessDeniedException")
}

// AWS's public parameters: every account reads them, on ARNs without an account
// (arn:aws:ssm:<region>::parameter/aws/service/...); their values are images EC2 describes; no
// account may create, overwrite or delete them, and DescribeParameters does not list them.
func TestEmuSSMPublicParameters(t *testing.T) {
	e, _ := emutest.NewTestEmu(t, awsemu.Options{})
	const al2023 = "/aws/service/eks/optimized-ami/1.32/amazon-linux-2023/x86_64/standard/recommended/image_id"
	images := emutest.Ec2Client(e, e.RootCredentials())
	imageName := func(id string) string {
		t.Helper()
		out, err := images.DescribeImages(emutest.Bg, &ec2.DescribeImagesInput{Owners: []string{"amazon"}, Filters: []ec2types.Filter{emutest.Ec2F("image-id", id)}})
		emutest.Must(t, err)
		if len(out.Images) != 1 {
			t.Fatalf("image %s is not in EC2's catalog: %+v", id, out.Images)
		}
		return aws.ToString(out.Images[0].Name)
	}

	// A session allowed the public parameters only, as a node autoscaler's policy names them.
	iamc := emutest.IamClient(e, e.RootCredentials())
	newSession := func(name, resource string) *ssm.Client {
		r := emutest.CreateRole(t, iamc, &iam.CreateRoleInput{RoleName: aws.String(name)},
			emutest.Doc(emutest.Allow([]string{"ssm:GetParameter", "ssm:GetParameters", "ssm:GetParametersByPath"}, resource)))
		return emutest.SsmClient(e, emutest.Assume(t, e, e.RootCredentials(), *r.Arn, ""))
	}
	public := newSession("public-reader", "arn:aws:ssm:*::parameter/aws/service/*")
	got, err := public.GetParameter(emutest.Bg, &ssm.GetParameterInput{Name: aws.String(al2023)})
	emutest.Must(t, err)
	p := got.Parameter
	if aws.ToString(p.ARN) != "arn:aws:ssm:us-east-1::parameter"+al2023 || p.Type != ssmtypes.ParameterTypeString || aws.ToString(p.Name) != al2023 {
		t.Fatalf("public parameter = %+v", p)
	}
	if name := imageName(aws.ToString(p.Value)); !strings.HasPrefix(name, "amazon-eks-node-al2023-x86_64-standard-1.32-") {
		t.Fatalf("%s = %s, an image named %s", al2023, aws.ToString(p.Value), name)
	}
	// The same by its ARN, and the account's own ARN for it is not what is authorized.
	_, err = public.GetParameter(emutest.Bg, &ssm.GetParameterInput{Name: p.ARN})
	emutest.Must(t, err)
	own := newSession("own-reader", "arn:aws:ssm:*:"+awsemu.DefaultAccountID+":parameter/*")
	_, err = own.GetParameter(emutest.Bg, &ssm.GetParameterInput{Name: aws.String(al2023)})
	emutest.WantCode(t, err, "AccessDeniedException")
	emutest.WantContains(t, emutest.ErrMessage(err), "on resource: arn:aws:ssm:us-east-1::parameter"+al2023)

	// The arm64 and NVIDIA variants and Bottlerocket's, each an image of its kind.
	for name, image := range map[string]string{
		"/aws/service/eks/optimized-ami/1.33/amazon-linux-2023/arm64/standard/recommended/image_id": "amazon-eks-node-al2023-arm64-standard-1.33-",
		"/aws/service/eks/optimized-ami/1.32/amazon-linux-2023/x86_64/nvidia/recommended/image_id":  "amazon-eks-node-al2023-x86_64-nvidia-1.32-",
		"/aws/service/bottlerocket/aws-k8s-1.32/x86_64/latest/image_id":                             "bottlerocket-aws-k8s-1.32-x86_64-",
		"/aws/service/bottlerocket/aws-k8s-1.31/arm64/latest/image_id":                              "bottlerocket-aws-k8s-1.31-arm64-",
	} {
		got, err := public.GetParameter(emutest.Bg, &ssm.GetParameterInput{Name: aws.String(name)})
		emutest.Must(t, err)
		if n := imageName(aws.ToString(got.Parameter.Value)); !strings.HasPrefix(n, image) {
			t.Errorf("%s = %s, an image named %s", name, aws.ToString(got.Parameter.Value), n)
		}
	}
	_, err = public.GetParameter(emutest.Bg, &ssm.GetParameterInput{Name: aws.String("/aws/service/eks/optimized-ami/1.20/amazon-linux-2023/x86_64/standard/recommended/image_id")})
	emutest.WantCode(t, err, "ParameterNotFound")

	// GetParameters and GetParametersByPath.
	many, err := public.GetParameters(emutest.Bg, &ssm.GetParametersInput{Names: []string{al2023, "/aws/service/nope"}})
	emutest.Must(t, err)
	if len(many.Parameters) != 1 || aws.ToString(many.Parameters[0].Value) != aws.ToString(p.Value) || len(many.InvalidParameters) != 1 {
		t.Fatalf("GetParameters = %+v, invalid %v", many.Parameters, many.InvalidParameters)
	}
	var names []string
	pages := ssm.NewGetParametersByPathPaginator(public, &ssm.GetParametersByPathInput{Path: aws.String("/aws/service/eks/optimized-ami/1.32"), Recursive: aws.Bool(true)})
	for pages.HasMorePages() {
		page, err := pages.NextPage(emutest.Bg)
		emutest.Must(t, err)
		for _, q := range page.Parameters {
			names = append(names, aws.ToString(q.Name))
		}
	}
	if len(names) != 4 || names[0] != "/aws/service/eks/optimized-ami/1.32/amazon-linux-2023/arm64/nvidia/recommended/image_id" {
		t.Fatalf("GetParametersByPath = %v", names)
	}

	// Another account reads the same values.
	other := emutest.SsmClient(e, e.AddAccount("210987654321"))
	theirs, err := other.GetParameter(emutest.Bg, &ssm.GetParameterInput{Name: aws.String(al2023)})
	emutest.Must(t, err)
	if aws.ToString(theirs.Parameter.Value) != aws.ToString(p.Value) || aws.ToString(theirs.Parameter.ARN) != aws.ToString(p.ARN) {
		t.Fatalf("another account's view = %+v", theirs.Parameter)
	}

	// Read-only, even for the root.
	root := emutest.SsmClient(e, e.RootCredentials())
	_, err = root.PutParameter(emutest.Bg, &ssm.PutParameterInput{Name: aws.String(al2023), Value: aws.String("ami-0aaaaaaaaaaaaaaaa"),
		Type: ssmtypes.ParameterTypeString, Overwrite: aws.Bool(true)})
	emutest.WantCode(t, err, "ValidationException")
	emutest.WantContains(t, emutest.ErrMessage(err), `can't be prefixed with "aws" or "ssm"`)
	_, err = root.DeleteParameter(emutest.Bg, &ssm.DeleteParameterInput{Name: aws.String(al2023)})
	emutest.WantCode(t, err, "ValidationException")
	emutest.WantContains(t, emutest.ErrMessage(err), `can't be prefixed with "aws" or "ssm"`)
	again, err := root.GetParameter(emutest.Bg, &ssm.GetParameterInput{Name: aws.String(al2023)})
	emutest.Must(t, err)
	if aws.ToString(again.Parameter.Value) != aws.ToString(p.Value) {
		t.Fatalf("the public parameter changed: %s", aws.ToString(again.Parameter.Value))
	}
	described, err := root.DescribeParameters(emutest.Bg, &ssm.DescribeParametersInput{})
	emutest.Must(t, err)
	if len(described.Parameters) != 0 {
		t.Fatalf("DescribeParameters lists %+v", described.Parameters)
	}
}
