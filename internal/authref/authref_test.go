package authref

import (
	"slices"
	"strings"
	"testing"
)

// TestUnitAuthrefCatalogConsistent checks the data files against themselves: every resource type
// an action names is defined, every ARN template is an ARN of the SAR's form, access levels are
// the SAR's five, and names are unique case-insensitively (IAM matches them so).
func TestUnitAuthrefCatalogConsistent(t *testing.T) {
	levels := []AccessLevel{List, Read, Write, Tagging, PermissionsManagement}
	for _, s := range catalog {
		if len(s.Actions) == 0 {
			t.Errorf("%s: no actions", s.Prefix)
		}
		lower := map[string]string{}
		for name, act := range s.Actions {
			if act.Name != s.Prefix+":"+name {
				t.Errorf("%s: action %q carries name %q", s.Prefix, name, act.Name)
			}
			if prev, dup := lower[strings.ToLower(name)]; dup {
				t.Errorf("%s: %s and %s differ only in case", s.Prefix, prev, name)
			}
			lower[strings.ToLower(name)] = name
			if !slices.Contains(levels, act.Access) {
				t.Errorf("%s: access level %q", act.Name, act.Access)
			}
			for _, ref := range act.Resources {
				if _, ok := s.ResourceTypes[ref.Type]; !ok {
					t.Errorf("%s: resource type %q is not defined for %s", act.Name, ref.Type, s.Prefix)
				}
			}
			for _, dep := range act.Dependent {
				if !strings.Contains(dep, ":") {
					t.Errorf("%s: dependent action %q has no prefix", act.Name, dep)
				}
			}
		}
		for name, rt := range s.ResourceTypes {
			if rt.Name != name {
				t.Errorf("%s: resource type %q carries name %q", s.Prefix, name, rt.Name)
			}
			if !strings.HasPrefix(rt.ARN, "arn:${Partition}:") {
				t.Errorf("%s: resource type %s has ARN template %q", s.Prefix, name, rt.ARN)
			}
		}
	}
}

// TestUnitAuthrefKnownFacts pins facts of the SAR the project relies on, so an edit of a data
// file that contradicts AWS fails here.
func TestUnitAuthrefKnownFacts(t *testing.T) {
	unscoped := []string{
		"cloudformation:DescribeStackDriftDetectionStatus", // drift status is read by id: "*" only
		"kms:CreateKey",
		"eks:CreateCluster",
		"ec2:DescribeVpcs",
		"sts:GetCallerIdentity",
		"iam:ListRoles",
		"logs:DescribeLogGroups",
		"acm:ListCertificates",
		"s3:ListAllMyBuckets",
		"autoscaling:DescribeAutoScalingGroups",
		"pricing:GetProducts",
		"ecr:GetAuthorizationToken",
		"kms:ListAliases",
	}
	for _, name := range unscoped {
		act, ok := Lookup(name)
		if !ok {
			t.Errorf("%s: unknown", name)
			continue
		}
		if !act.Unscoped() {
			t.Errorf("%s: SAR lists no resource type, catalog has %+v", name, act.Resources)
		}
	}
	scoped := map[string]string{ // action -> one of its resource types
		"iam:CreateRole":                        "role",
		"iam:CreateOpenIDConnectProvider":       "oidc-provider",
		"iam:PassRole":                          "role",
		"iam:CreatePolicy":                      "policy",
		"sts:AssumeRole":                        "role",
		"kms:PutKeyPolicy":                      "key",
		"kms:CreateAlias":                       "alias",
		"s3:CreateBucket":                       "bucket",
		"s3:PutBucketPolicy":                    "bucket",
		"s3:PutObject":                          "object",
		"ec2:CreateVpc":                         "vpc",
		"ec2:CreateTags":                        "",
		"eks:DescribeCluster":                   "cluster",
		"eks:CreateNodegroup":                   "cluster",
		"logs:CreateLogGroup":                   "log-group",
		"ssm:PutParameter":                      "parameter",
		"glue:CreateDatabase":                   "database",
		"glue:PutResourcePolicy":                "rootcatalog",
		"glue:PutDataCatalogEncryptionSettings": "rootcatalog",
		"cloudformation:DescribeStacks":         "stack",
		"acm:DeleteCertificate":                 "certificate",
	}
	for name, want := range scoped {
		act, ok := Lookup(name)
		if !ok {
			t.Errorf("%s: unknown", name)
			continue
		}
		if act.Unscoped() {
			t.Errorf("%s: SAR lists resource types, catalog has none", name)
			continue
		}
		if want == "" {
			continue
		}
		found := false
		for _, ref := range act.Resources {
			found = found || ref.Type == want
		}
		if !found {
			t.Errorf("%s: want resource type %s, have %+v", name, want, act.Resources)
		}
	}
	createKey, _ := Lookup("kms:CreateKey")
	for _, key := range []string{"kms:KeySpec", "kms:KeyUsage", "kms:KeyOrigin", "kms:MultiRegion",
		"kms:BypassPolicyLockoutSafetyCheck", "aws:RequestTag/${TagKey}", "aws:TagKeys"} {
		if !createKey.HasConditionKey(key) {
			t.Errorf("kms:CreateKey: condition key %s missing", key)
		}
	}
	bucket := svcS3.ResourceTypes["bucket"].ARN
	if bucket != "arn:${Partition}:s3:::${BucketName}" {
		t.Errorf("s3 bucket ARN template %q: bucket ARNs have no region or account", bucket)
	}
	if act, _ := Lookup("iam:PassRole"); act.Access != Write || !act.HasConditionKey("iam:PassedToService") {
		t.Errorf("iam:PassRole: %+v", act)
	}
	if act, _ := Lookup("s3:PutBucketPolicy"); act.Access != PermissionsManagement {
		t.Errorf("s3:PutBucketPolicy: access %s", act.Access)
	}
}

func TestUnitAuthrefLookupIsCaseInsensitive(t *testing.T) {
	for _, name := range []string{"kms:CreateKey", "KMS:createkey", "Kms:CREATEKEY"} {
		act, ok := Lookup(name)
		if !ok || act.Name != "kms:CreateKey" {
			t.Errorf("Lookup(%q) = %q, %v", name, act.Name, ok)
		}
	}
	for _, name := range []string{"kms:CreateKeys", "kms", "nosuch:Action", ""} {
		if _, ok := Lookup(name); ok {
			t.Errorf("Lookup(%q) found an action", name)
		}
	}
}

func TestUnitAuthrefExpand(t *testing.T) {
	got := Expand("kms:GenerateDataKey*")
	want := []string{"kms:GenerateDataKey", "kms:GenerateDataKeyPair", "kms:GenerateDataKeyPairWithoutPlaintext",
		"kms:GenerateDataKeyWithoutPlaintext"}
	if !slices.Equal(got, want) {
		t.Errorf("kms:GenerateDataKey* = %v", got)
	}
	if got := Expand("KMS:generatedatakey"); !slices.Equal(got, []string{"kms:GenerateDataKey"}) {
		t.Errorf("case-insensitive expansion = %v", got)
	}
	glue := Expand("glue:*")
	if len(glue) != len(svcGlue.Actions) {
		t.Errorf("glue:* = %d actions, catalog has %d", len(glue), len(svcGlue.Actions))
	}
	for _, name := range []string{"glue:PutResourcePolicy", "glue:PutDataCatalogEncryptionSettings", "glue:UpdateCatalog",
		"glue:CreateDatabase", "glue:DeleteTable", "glue:BatchCreatePartition", "glue:CreateUserDefinedFunction"} {
		if !slices.Contains(glue, name) {
			t.Errorf("glue:* lacks %s", name)
		}
	}
	describe := Expand("autoscaling:Describe*")
	if len(describe) < 20 {
		t.Errorf("autoscaling:Describe* = %v", describe)
	}
	for _, name := range describe {
		if !strings.HasPrefix(name, "autoscaling:Describe") {
			t.Errorf("autoscaling:Describe* yields %s", name)
		}
	}
	if got := Expand("ec2:Describe?pcs"); !slices.Equal(got, []string{"ec2:DescribeVpcs"}) {
		t.Errorf("ec2:Describe?pcs = %v", got)
	}
	if got := Expand("nosuch:*"); len(got) != 0 {
		t.Errorf("nosuch:* = %v", got)
	}
	total := 0
	for _, s := range catalog {
		total += len(s.Actions)
	}
	if got := Expand("*"); len(got) != total {
		t.Errorf("* = %d actions, catalog has %d", len(got), total)
	}
}

// TestUnitAuthrefMutatingCoverage checks the catalog holds what a closure check tries against
// foreign resources: every mutating action of the services LakeSail may change things in.
func TestUnitAuthrefMutatingCoverage(t *testing.T) {
	for _, prefix := range []string{"iam", "kms", "s3", "acm", "eks", "logs", "ssm", "glue", "autoscaling", "sts"} {
		s, ok := ServiceOf(prefix)
		if !ok || !s.Complete {
			t.Errorf("%s: want the complete SAR action list", prefix)
		}
	}
	for _, name := range []string{"s3:PutBucketPolicy", "s3:DeleteBucketPolicy", "s3:PutBucketAcl", "s3:PutObjectAcl",
		"s3:PutBucketPublicAccessBlock", "s3:PutEncryptionConfiguration", "s3:PutBucketOwnershipControls",
		"s3:PutReplicationConfiguration", "s3:PutBucketCORS", "s3:PutBucketWebsite", "s3:PutLifecycleConfiguration",
		"s3:PutBucketVersioning", "s3:DeleteBucket", "s3:PutObject", "s3:DeleteObject",
		"ec2:CreateRoute", "ec2:DeleteRouteTable", "ec2:ModifySubnetAttribute", "ec2:AssociateAddress",
		"ec2:ModifySecurityGroupRules", "ec2:ModifyVpcEndpoint", "ec2:CreateLaunchTemplateVersion",
		"ec2:TerminateInstances", "ec2:AttachVolume", "ec2:DeregisterImage", "ec2:DeleteKeyPair"} {
		act, ok := Lookup(name)
		if !ok {
			t.Errorf("%s: unknown", name)
			continue
		}
		if !act.Access.Mutating() {
			t.Errorf("%s: access %s", name, act.Access)
		}
	}
}

func TestUnitAuthrefResourceTypeOf(t *testing.T) {
	cases := []struct {
		action, arn, want string // want "" = no type fits
	}{
		{"s3:GetObject", "arn:aws:s3:::bucket/key/with/slashes", "object"},
		{"s3:GetObject", "arn:aws:s3:::bucket", ""},
		{"s3:ListBucket", "arn:aws:s3:::bucket", "bucket"},
		{"s3:ListBucket", "arn:aws:s3:::bucket/key", ""},
		{"s3:ListBucket", "arn:aws:s3:us-east-1:123456789012:bucket", ""},
		{"s3:PutObject", "arn:aws:s3:::lakesail-*", "object"},
		{"s3:PutBucketPolicy", "arn:aws:s3:::lakesail-*", "bucket"},
		{"iam:CreateRole", "arn:aws:iam::123456789012:role/lakesail/app/lakesail-X", "role"},
		{"iam:CreateRole", "arn:aws:iam::123456789012:policy/p", ""},
		{"iam:CreateOpenIDConnectProvider", "arn:aws:iam::123456789012:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/ABC", "oidc-provider"},
		{"kms:CreateAlias", "arn:aws:kms:us-east-1:123456789012:alias/lakesail-x", "alias"},
		{"kms:CreateAlias", "arn:aws:kms:us-east-1:123456789012:key/1234", "key"},
		{"kms:CreateKey", "arn:aws:kms:us-east-1:123456789012:key/1234", ""},
		{"ec2:CreateVpc", "arn:aws:ec2:us-east-1:123456789012:vpc/vpc-1", "vpc"},
		{"ec2:CreateVpc", "arn:aws:ec2:*:*:vpc/*", "vpc"},
		{"ec2:CreateVpc", "arn:aws:ec2:us-east-1:123456789012:subnet/subnet-1", ""},
		{"ec2:RunInstances", "arn:aws:ec2:us-east-1::image/ami-1", "image"},
		{"eks:DescribeCluster", "arn:aws:eks:us-east-1:123456789012:cluster/lakesail-x", "cluster"},
		{"eks:DescribeNodegroup", "arn:aws:eks:us-east-1:123456789012:nodegroup/c/ng/uuid", "nodegroup"},
		{"logs:CreateLogGroup", "arn:aws:logs:us-east-1:123456789012:log-group:/aws/eks/lakesail-x/cluster", "log-group"},
		{"ssm:PutParameter", "arn:aws:ssm:us-east-1:123456789012:parameter/lakesail/x/y", "parameter"},
		{"cloudformation:DescribeStacks", "arn:${AWS::Partition}:cloudformation:${AWS::Region}:${AWS::AccountId}:stack/${AWS::StackName}/*", "stack"},
		{"glue:GetDatabase", "arn:aws:glue:us-east-1:123456789012:database/lakesail_x", "database"},
		{"glue:GetDatabase", "arn:aws:glue:us-east-1:123456789012:catalog", "rootcatalog"},
		{"nosuch:Action", "*", ""},
	}
	for _, c := range cases {
		got, ok := ResourceTypeOf(c.action, c.arn)
		if c.want == "" {
			if ok {
				t.Errorf("ResourceTypeOf(%s, %s) = %s, want none", c.action, c.arn, got.Name)
			}
			continue
		}
		if !ok || got.Name != c.want {
			t.Errorf("ResourceTypeOf(%s, %s) = %q, %v; want %s", c.action, c.arn, got.Name, ok, c.want)
		}
	}
}

func TestUnitAuthrefServices(t *testing.T) {
	got := Services()
	if !slices.IsSorted(got) {
		t.Errorf("Services() not sorted: %v", got)
	}
	for _, p := range []string{"iam", "sts", "ec2", "eks", "eks-auth", "s3", "kms", "logs", "ssm", "acm", "glue",
		"cloudformation", "lambda", "servicequotas", "pricing", "autoscaling", "ecr", "elasticloadbalancing"} {
		if !slices.Contains(got, p) {
			t.Errorf("Services() lacks %s", p)
		}
	}
}
