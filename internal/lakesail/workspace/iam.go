package workspace

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"

	"github.com/lakehq/terraform-provider-lakesail/internal/lakesail"
)

// workspaceRole is one IAM role a workspace owns.
type workspaceRole struct {
	Name     string
	Purpose  string // "cluster", "node" or a workload purpose
	Trust    string
	Managed  []string          // AWS-managed policy names, all from connpolicy.AllowedAWSManagedPolicies
	Inline   map[string]string // inline policy name -> document
	Describe string
	// PodIdentity: a workload role that trusts EKS Pod Identity rather than the OIDC provider.
	PodIdentity bool
}

// inlinePolicyName is the name of the single inline policy a workload role carries.
const inlinePolicyName = "lakesail-workload"

func policyJSON(statements ...map[string]any) string {
	doc, _ := json.Marshal(map[string]any{"Version": "2012-10-17", "Statement": statements})
	return string(doc)
}

func serviceTrust(service string) string {
	return policyJSON(map[string]any{
		"Effect": "Allow", "Principal": map[string]any{"Service": service}, "Action": "sts:AssumeRole",
	})
}

// OIDCProviderARN is the IAM OIDC provider of a cluster issuer URL.
func (s Spec) OIDCProviderARN(issuerURL string) string {
	return "arn:" + s.partition() + ":iam::" + s.AccountID + ":oidc-provider/" + issuerHost(issuerURL)
}

func issuerHost(issuerURL string) string {
	return strings.TrimSuffix(strings.TrimPrefix(issuerURL, "https://"), "/")
}

// workloadTrust admits exactly one service account of the cluster, through its OIDC provider,
// and only for STS as audience.
func (s Spec) workloadTrust(issuerURL, purpose string) string {
	host := issuerHost(issuerURL)
	sa := workloadServiceAccounts[purpose]
	return policyJSON(map[string]any{
		"Effect":    "Allow",
		"Principal": map[string]any{"Federated": s.OIDCProviderARN(issuerURL)},
		"Action":    "sts:AssumeRoleWithWebIdentity",
		"Condition": map[string]any{"StringEquals": map[string]any{
			host + ":sub": "system:serviceaccount:" + sa.Namespace + ":" + sa.Name,
			host + ":aud": "sts.amazonaws.com",
		}},
	})
}

// podIdentityService is the service principal EKS Pod Identity assumes roles as.
const podIdentityService = "pods.eks.amazonaws.com"

// podIdentityTrust admits EKS Pod Identity (sts:AssumeRole, and sts:TagSession for the session
// tags it always adds) for exactly one service account of the workspace's cluster: the EKS User
// Guide (pod-id-role.html) scopes a Pod Identity role with the session tags EKS Pod Identity sets
// (aws:RequestTag/eks-cluster-arn, kubernetes-namespace, kubernetes-service-account), and
// aws:SourceAccount keeps another account's EKS from using the role (the confused deputy).
// Without the tags (an association with session tags disabled) the role cannot be assumed.
func (s Spec) podIdentityTrust(clusterARN, purpose string) string {
	sa := workloadServiceAccounts[purpose]
	return policyJSON(map[string]any{
		"Effect":    "Allow",
		"Principal": map[string]any{"Service": podIdentityService},
		"Action":    []string{"sts:AssumeRole", "sts:TagSession"},
		"Condition": map[string]any{"StringEquals": map[string]any{
			"aws:SourceAccount":                         s.AccountID,
			"aws:RequestTag/eks-cluster-arn":            clusterARN,
			"aws:RequestTag/kubernetes-namespace":       sa.Namespace,
			"aws:RequestTag/kubernetes-service-account": sa.Name,
		}},
	})
}

// workloadPolicy is what each workload role may do (WorkloadBoundary caps it further).
func (s Spec) workloadPolicy(purpose string) string {
	arn := func(service, resource string) string {
		return "arn:" + s.partition() + ":" + service + ":*:" + s.AccountID + ":" + resource
	}
	switch purpose {
	case PurposeStorage:
		bucket := "arn:" + s.partition() + ":s3:::" + s.Network.BucketName
		dbs := []string{arn("glue", "catalog")}
		for _, db := range s.GlueDatabaseNames() {
			dbs = append(dbs, arn("glue", "database/"+db), arn("glue", "table/"+db+"/*"), arn("glue", "userDefinedFunction/"+db+"/*"))
		}
		statements := []map[string]any{
			{"Sid": "WorkspaceBucketObjects", "Effect": "Allow",
				"Action":   []string{"s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:AbortMultipartUpload", "s3:ListMultipartUploadParts"},
				"Resource": bucket + "/*"},
			{"Sid": "WorkspaceBucketListing", "Effect": "Allow",
				"Action":   []string{"s3:ListBucket", "s3:ListBucketMultipartUploads", "s3:GetBucketLocation"},
				"Resource": bucket},
			{"Sid": "WorkspaceBucketKey", "Effect": "Allow", "Action": []string{"kms:Decrypt", "kms:GenerateDataKey"},
				"Resource": s.Network.KMSKeyARN,
				"Condition": map[string]any{"StringLike": map[string]any{
					"kms:ViaService": "s3.*.amazonaws.com", "kms:EncryptionContext:aws:s3:arn": bucket + "*"}}},
		}
		if len(s.GlueDatabases) > 0 {
			statements = append(statements, map[string]any{"Sid": "WorkspaceCatalogs", "Effect": "Allow",
				"Action": []string{"glue:GetDatabase", "glue:GetTable", "glue:GetTables", "glue:CreateTable", "glue:UpdateTable",
					"glue:DeleteTable", "glue:GetPartitions", "glue:BatchCreatePartition", "glue:GetUserDefinedFunction"},
				"Resource": dbs})
		}
		return policyJSON(statements...)
	case PurposeLogging:
		return policyJSON(map[string]any{"Sid": "WorkspaceLogs", "Effect": "Allow",
			"Action":   []string{"logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"},
			"Resource": arn("logs", "log-group:"+s.policySpec().WorkloadLogGroupPrefix()+s.WorkspaceID+"/*")})
	default: // PurposeKarpenter
		return s.karpenterControllerPolicy()
	}
}

// baseRoles are the roles the cluster needs before it exists.
func (s Spec) baseRoles() []workspaceRole {
	return []workspaceRole{
		{Name: s.ClusterRoleName(), Purpose: "cluster", Trust: serviceTrust("eks.amazonaws.com"),
			Managed: []string{"AmazonEKSClusterPolicy"}, Describe: "EKS control plane of LakeSail workspace " + s.WorkspaceID},
		{Name: s.NodeRoleName(), Purpose: "node", Trust: serviceTrust("ec2.amazonaws.com"),
			Managed:  []string{"AmazonEKSWorkerNodePolicy", "AmazonEKS_CNI_Policy", "AmazonEC2ContainerRegistryReadOnly"},
			Describe: "system nodes of LakeSail workspace " + s.WorkspaceID},
	}
}

// workloadRoles are the spec's workload roles (Spec.WorkloadPurposes), which trust the cluster's
// issuer (IRSA) or EKS Pod Identity for the cluster (its ARN).
func (s Spec) workloadRoles(issuerURL, clusterARN string) []workspaceRole {
	var out []workspaceRole
	for _, purpose := range s.WorkloadPurposes() {
		trust := s.workloadTrust(issuerURL, purpose)
		if s.PodIdentity() {
			trust = s.podIdentityTrust(clusterARN, purpose)
		}
		out = append(out, workspaceRole{Name: s.WorkloadRoleName(purpose), Purpose: purpose,
			Trust: trust, PodIdentity: s.PodIdentity(),
			Inline:   map[string]string{inlinePolicyName: s.workloadPolicy(purpose)},
			Describe: purpose + " pods (" + WorkloadServiceAccount(purpose) + ") of LakeSail workspace " + s.WorkspaceID})
	}
	return out
}

func (s Spec) awsManagedPolicyARN(name string) string {
	return "arn:" + s.partition() + ":iam::aws:policy/" + name
}

// ensureRole creates a role with WorkloadBoundary and its policies, or brings one left by an
// earlier attempt in line (trust, policies, tags). A role of that name without the boundary is
// never adopted: the connection cannot fix it, so it is an error.
func (c *Client) ensureRole(ctx context.Context, s Spec, r workspaceRole) error {
	api := c.IAM()
	_, err := api.CreateRole(ctx, &iam.CreateRoleInput{
		RoleName:                 aws.String(r.Name),
		AssumeRolePolicyDocument: aws.String(r.Trust),
		PermissionsBoundary:      aws.String(s.WorkloadBoundaryARN()),
		Description:              aws.String("LakeSail: " + r.Describe),
		Tags:                     lakesail.IAMTags(s.WorkspaceTags()),
	})
	var exists *iamtypes.EntityAlreadyExistsException
	switch {
	case errors.As(err, &exists):
		return c.repairRole(ctx, s, r)
	case err != nil:
		return lakesail.Classify("iam:CreateRole", err)
	}
	return c.putRolePolicies(ctx, s, r, nil)
}

// putRolePolicies attaches the managed policies not yet in attached and writes the inline ones.
func (c *Client) putRolePolicies(ctx context.Context, s Spec, r workspaceRole, attached []string) error {
	api := c.IAM()
	for _, name := range r.Managed {
		policyARN := s.awsManagedPolicyARN(name)
		if slices.Contains(attached, policyARN) {
			continue
		}
		_, err := api.AttachRolePolicy(ctx, &iam.AttachRolePolicyInput{RoleName: aws.String(r.Name), PolicyArn: aws.String(policyARN)})
		if err != nil {
			return lakesail.Classify("iam:AttachRolePolicy", err)
		}
	}
	for name, doc := range r.Inline {
		_, err := api.PutRolePolicy(ctx, &iam.PutRolePolicyInput{RoleName: aws.String(r.Name), PolicyName: aws.String(name), PolicyDocument: aws.String(doc)})
		if err != nil {
			return lakesail.Classify("iam:PutRolePolicy", err)
		}
	}
	return nil
}

// roleState is what a workspace role looks like in IAM, compared with what it should be.
type roleState struct {
	ARN      string
	Exists   bool
	Problems []string // the role is outside the security envelope when not empty
	Tags     map[string]string
	attached []string
}

// observeRole reads a role and lists every way it differs from r.
func (c *Client) observeRole(ctx context.Context, s Spec, r workspaceRole) (*roleState, error) {
	api := c.IAM()
	role, err := lakesail.FindRole(ctx, api, r.Name)
	if errors.Is(err, lakesail.ErrNotFound) {
		return &roleState{Problems: []string{"role " + r.Name + " was deleted"}}, nil
	}
	if err != nil {
		return nil, err
	}
	st := &roleState{ARN: aws.ToString(role.Arn), Exists: true, Tags: lakesail.TagMap(role.Tags)}
	if role.PermissionsBoundary == nil || aws.ToString(role.PermissionsBoundary.PermissionsBoundaryArn) != s.WorkloadBoundaryARN() {
		st.Problems = append(st.Problems, "role "+r.Name+" no longer carries WorkloadBoundary")
	}
	trust, err := lakesail.DecodePolicyDocument(aws.ToString(role.AssumeRolePolicyDocument))
	if err != nil || !lakesail.EquivalentPolicies(trust, r.Trust) {
		st.Problems = append(st.Problems, "the trust policy of role "+r.Name+" was changed (it must admit only "+trustSubject(r)+")")
	}
	st.attached, err = lakesail.FindAttachedPolicyARNs(ctx, api, r.Name)
	if err != nil {
		return nil, err
	}
	for _, name := range r.Managed {
		if !slices.Contains(st.attached, s.awsManagedPolicyARN(name)) {
			st.Problems = append(st.Problems, "policy "+name+" was detached from role "+r.Name)
		}
	}
	for _, arn := range st.attached {
		if !slices.ContainsFunc(r.Managed, func(name string) bool { return s.awsManagedPolicyARN(name) == arn }) {
			st.Problems = append(st.Problems, "role "+r.Name+" carries policy "+arn+" the workspace does not manage")
		}
	}
	inline, err := lakesail.FindInlinePolicyNames(ctx, api, r.Name)
	if err != nil {
		return nil, err
	}
	for _, name := range inline {
		want, ok := r.Inline[name]
		if !ok {
			st.Problems = append(st.Problems, "role "+r.Name+" carries inline policy "+name+" the workspace does not manage")
			continue
		}
		out, err := api.GetRolePolicy(ctx, &iam.GetRolePolicyInput{RoleName: aws.String(r.Name), PolicyName: aws.String(name)})
		if err != nil {
			return nil, lakesail.Classify("iam:GetRolePolicy", err)
		}
		doc, _ := lakesail.DecodePolicyDocument(aws.ToString(out.PolicyDocument))
		if !lakesail.EquivalentPolicies(doc, want) {
			st.Problems = append(st.Problems, "inline policy "+name+" of role "+r.Name+" was changed")
		}
	}
	for name := range r.Inline {
		if !slices.Contains(inline, name) {
			st.Problems = append(st.Problems, "inline policy "+name+" of role "+r.Name+" was deleted")
		}
	}
	return st, nil
}

func trustSubject(r workspaceRole) string {
	if sa, ok := workloadServiceAccounts[r.Purpose]; ok && r.PodIdentity {
		return "service account " + sa.Namespace + "/" + sa.Name + " of the cluster through EKS Pod Identity"
	} else if ok {
		return "service account " + sa.Namespace + "/" + sa.Name + " through the cluster's OIDC provider"
	}
	return "its AWS service"
}

// repairRole restores a role's boundary, trust, policies and tags. A role that lost
// WorkloadBoundary gets it back first (the connection may only ever put that boundary); a
// changed trust policy cannot be edited by the connection, so the role is recreated.
func (c *Client) repairRole(ctx context.Context, s Spec, r workspaceRole) error {
	api := c.IAM()
	role, err := lakesail.FindRole(ctx, api, r.Name)
	if err != nil {
		return err
	}
	if role.PermissionsBoundary == nil || aws.ToString(role.PermissionsBoundary.PermissionsBoundaryArn) != s.WorkloadBoundaryARN() {
		_, err := api.PutRolePermissionsBoundary(ctx, &iam.PutRolePermissionsBoundaryInput{
			RoleName: aws.String(r.Name), PermissionsBoundary: aws.String(s.WorkloadBoundaryARN())})
		if err != nil {
			return lakesail.Classify("iam:PutRolePermissionsBoundary", err)
		}
	}
	st, err := c.observeRole(ctx, s, r)
	if err != nil {
		return err
	}
	trust, _ := lakesail.DecodePolicyDocument(aws.ToString(role.AssumeRolePolicyDocument))
	if !lakesail.EquivalentPolicies(trust, r.Trust) {
		// The connection role may not call UpdateAssumeRolePolicy; the role is recreated instead.
		if err := lakesail.DeleteRole(ctx, api, r.Name); err != nil {
			return err
		}
		return c.ensureRole(ctx, s, r)
	}
	for _, arn := range st.attached {
		if !slices.ContainsFunc(r.Managed, func(name string) bool { return s.awsManagedPolicyARN(name) == arn }) {
			_, err := api.DetachRolePolicy(ctx, &iam.DetachRolePolicyInput{RoleName: aws.String(r.Name), PolicyArn: aws.String(arn)})
			if err := lakesail.IgnoreNotFound(lakesail.Classify("iam:DetachRolePolicy", err)); err != nil {
				return err
			}
		}
	}
	inline, err := lakesail.FindInlinePolicyNames(ctx, api, r.Name)
	if err != nil {
		return err
	}
	for _, name := range inline {
		if _, keep := r.Inline[name]; !keep {
			_, err := api.DeleteRolePolicy(ctx, &iam.DeleteRolePolicyInput{RoleName: aws.String(r.Name), PolicyName: aws.String(name)})
			if err := lakesail.IgnoreNotFound(lakesail.Classify("iam:DeleteRolePolicy", err)); err != nil {
				return err
			}
		}
	}
	if err := c.putRolePolicies(ctx, s, r, st.attached); err != nil {
		return err
	}
	return lakesail.ReconcileRoleTags(ctx, api, r.Name, st.Tags, s.WorkspaceTags())
}
