package network

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/smithy-go"
	"golang.org/x/sync/errgroup"

	"github.com/lakehq/terraform-provider-lakesail/internal/iampolicy"
	"github.com/lakehq/terraform-provider-lakesail/internal/lakesail"
)

// workspaceBucket is the network's bucket as found in AWS.
type workspaceBucket struct {
	exists            bool
	publicAccessBlock s3types.PublicAccessBlockConfiguration
	ownership         s3types.ObjectOwnership
	sseAlgorithm      s3types.ServerSideEncryption
	sseKeyARN         string
	bucketKey         bool
	policy            string
	tags              map[string]string
}

// bucketARN is the workspace bucket's ARN.
func (r *networkRun) bucketARN() string { return "arn:" + r.partition + ":s3:::" + r.spec.BucketName() }

// protectionActions are the calls that could open the bucket or weaken how its data is protected
// (its policy, public access block, default encryption, ACLs and object ownership; the Delete
// calls of these settings are authorized as the Put actions, DeleteBucketPolicy aside). The
// bucket's policy denies them to the connection role once it is set: from then on only the
// account's own credentials change them.
var protectionActions = iampolicy.Values{
	"s3:PutBucketPolicy", "s3:DeleteBucketPolicy", "s3:PutBucketPublicAccessBlock", "s3:PutEncryptionConfiguration",
	"s3:PutBucketAcl", "s3:PutObjectAcl", "s3:PutBucketOwnershipControls",
}

// bucketPolicy denies every request that does not use TLS, to anyone, and denies the connection
// role every change to the bucket's protection.
func (r *networkRun) bucketPolicy() string {
	resources := iampolicy.Values{r.bucketARN(), r.bucketARN() + "/*"}
	doc := iampolicy.Document{Version: iampolicy.Version, Statement: []iampolicy.Statement{
		{Sid: "DenyRequestsWithoutTls", Effect: iampolicy.Deny, Principal: &iampolicy.Principal{Wildcard: true},
			Action:    iampolicy.Values{"s3:*"},
			Resource:  resources,
			Condition: iampolicy.Conditions{"Bool": {"aws:SecureTransport": iampolicy.Values{"false"}}}},
		{Sid: "DenyConnectionRoleChangingDataProtection", Effect: iampolicy.Deny, Principal: &iampolicy.Principal{Wildcard: true},
			Action:    protectionActions,
			Resource:  resources,
			Condition: iampolicy.Conditions{"ArnEquals": {"aws:PrincipalArn": iampolicy.Values{r.spec.RoleARN}}}},
	}}
	return doc.JSON()
}

// policyDeniesRole reports whether a bucket policy denies the connection role action on the
// bucket, in which case only the account's own credentials may make the change. A policy that
// does not parse counts as denying.
func (r *networkRun) policyDeniesRole(policy, action string) bool {
	if policy == "" {
		return false
	}
	doc, err := iampolicy.Parse(policy)
	if err != nil {
		return true
	}
	roleName, _ := lakesail.RoleNameOf(r.spec.RoleARN)
	req := iampolicy.Request{
		Caller: iampolicy.Caller{
			ARN:     "arn:" + r.partition + ":sts::" + r.accountID + ":assumed-role/" + roleName + "/" + SessionName(r.spec.NetworkID),
			Account: r.accountID, RoleARN: r.spec.RoleARN,
		},
		Action: action, Resource: r.bucketARN(),
		Context: map[string][]string{"aws:SecureTransport": {"true"}, "s3:ResourceAccount": {r.accountID}},
	}
	return doc.Match(req).Decision == iampolicy.ExplicitDeny
}

// changeProtection makes one change to the bucket's protection: as the connection role while
// the bucket's policy (as found, before this build changes it) does not deny it that action (a
// bucket being created, or one whose policy was removed), else, or when AWS refuses the role, with
// the account's own credentials.
func (r *networkRun) changeProtection(ctx context.Context, bucket *workspaceBucket, setting, action string, change func(context.Context, lakesail.S3API) error) error {
	if !r.policyDeniesRole(bucket.policy, action) {
		err := change(ctx, r.s3)
		var awsErr *lakesail.AWSError
		if err == nil || !errors.As(err, &awsErr) || !awsErr.IsAccessDenied() {
			return err
		}
		if _, _, ok, ownerErr := r.owner.Clients(ctx); ownerErr != nil || !ok {
			return err // the role's refusal is the clearest account of what went wrong
		}
	}
	owner, err := r.ownerS3(ctx, setting)
	if err != nil {
		return err
	}
	if err := change(ctx, owner); err != nil {
		return &lakesail.OwnerCredentialsRequiredError{Resource: "bucket " + r.spec.BucketName(), Setting: setting, Err: err}
	}
	return nil
}

// absent reports S3's "this configuration is not set" errors.
func absent(err error) bool {
	var apiErr smithy.APIError
	if !errors.As(err, &apiErr) {
		return false
	}
	switch apiErr.ErrorCode() {
	case "ServerSideEncryptionConfigurationNotFoundError", "NoSuchPublicAccessBlockConfiguration",
		"OwnershipControlsNotFoundError", "NoSuchBucketPolicy", "NoSuchTagSet", "NoSuchTagSetError":
		return true
	}
	return false
}

// observeBucket reads the bucket's protective settings, concurrently.
func (r *networkRun) observeBucket(ctx context.Context) (*workspaceBucket, error) {
	name := aws.String(r.spec.BucketName())
	_, err := r.s3.HeadBucket(ctx, &s3.HeadBucketInput{Bucket: name})
	if err != nil {
		var notFound *s3types.NotFound
		if errors.As(err, &notFound) || errors.Is(lakesail.Classify("s3:ListBucket", err), lakesail.ErrNotFound) {
			return &workspaceBucket{}, nil
		}
		return nil, lakesail.WrapStep(lakesail.Classify("s3:ListBucket", err), "looking for bucket %s", r.spec.BucketName())
	}
	b := &workspaceBucket{exists: true, tags: map[string]string{}}
	group, gctx := errgroup.WithContext(ctx)
	group.Go(func() error {
		out, err := r.s3.GetPublicAccessBlock(gctx, &s3.GetPublicAccessBlockInput{Bucket: name})
		if err != nil && !absent(err) {
			return lakesail.Classify("s3:GetBucketPublicAccessBlock", err)
		}
		if err == nil && out.PublicAccessBlockConfiguration != nil {
			b.publicAccessBlock = *out.PublicAccessBlockConfiguration
		}
		return nil
	})
	group.Go(func() error {
		out, err := r.s3.GetBucketOwnershipControls(gctx, &s3.GetBucketOwnershipControlsInput{Bucket: name})
		if err != nil && !absent(err) {
			return lakesail.Classify("s3:GetBucketOwnershipControls", err)
		}
		if err == nil && out.OwnershipControls != nil && len(out.OwnershipControls.Rules) > 0 {
			b.ownership = out.OwnershipControls.Rules[0].ObjectOwnership
		}
		return nil
	})
	group.Go(func() error {
		out, err := r.s3.GetBucketEncryption(gctx, &s3.GetBucketEncryptionInput{Bucket: name})
		if err != nil && !absent(err) {
			return lakesail.Classify("s3:GetEncryptionConfiguration", err)
		}
		if err == nil && out.ServerSideEncryptionConfiguration != nil && len(out.ServerSideEncryptionConfiguration.Rules) > 0 {
			rule := out.ServerSideEncryptionConfiguration.Rules[0]
			if d := rule.ApplyServerSideEncryptionByDefault; d != nil {
				b.sseAlgorithm, b.sseKeyARN = d.SSEAlgorithm, aws.ToString(d.KMSMasterKeyID)
			}
			b.bucketKey = aws.ToBool(rule.BucketKeyEnabled)
		}
		return nil
	})
	group.Go(func() error {
		out, err := r.s3.GetBucketPolicy(gctx, &s3.GetBucketPolicyInput{Bucket: name})
		if err != nil && !absent(err) {
			return lakesail.Classify("s3:GetBucketPolicy", err)
		}
		if err == nil {
			b.policy = aws.ToString(out.Policy)
		}
		return nil
	})
	group.Go(func() error {
		out, err := r.s3.GetBucketTagging(gctx, &s3.GetBucketTaggingInput{Bucket: name})
		if err != nil && !absent(err) {
			return lakesail.Classify("s3:GetBucketTagging", err)
		}
		if err == nil {
			for _, t := range out.TagSet {
				b.tags[aws.ToString(t.Key)] = aws.ToString(t.Value)
			}
		}
		return nil
	})
	if err := group.Wait(); err != nil {
		return nil, lakesail.WrapStep(err, "reading bucket %s", r.spec.BucketName())
	}
	return b, nil
}

// bucketSettings compares the bucket with what the network wants, setting by setting.
type bucketSettings struct {
	publicAccessBlock, ownership, encryption, policy, tags bool // true: as wanted
}

func (r *networkRun) compareBucket(b *workspaceBucket, keyARN string) bucketSettings {
	pab := b.publicAccessBlock
	set, remove := tagDiff(b.tags, r.bucketTags())
	return bucketSettings{
		publicAccessBlock: aws.ToBool(pab.BlockPublicAcls) && aws.ToBool(pab.IgnorePublicAcls) && aws.ToBool(pab.BlockPublicPolicy) && aws.ToBool(pab.RestrictPublicBuckets),
		ownership:         b.ownership == s3types.ObjectOwnershipBucketOwnerEnforced,
		encryption:        b.sseAlgorithm == s3types.ServerSideEncryptionAwsKms && b.sseKeyARN == keyARN && b.bucketKey,
		policy:            b.policy != "" && lakesail.EquivalentPolicies(b.policy, r.bucketPolicy()),
		tags:              len(set) == 0 && len(remove) == 0,
	}
}

func (r *networkRun) bucketDrift(b *workspaceBucket, keyARN string) []string {
	what := "bucket " + r.spec.BucketName()
	if !b.exists {
		return []string{what + " is missing"}
	}
	s := r.compareBucket(b, keyARN)
	var out []string
	if !s.publicAccessBlock {
		out = append(out, what+": public access is not fully blocked")
	}
	if !s.ownership {
		out = append(out, what+": object ownership is not BucketOwnerEnforced (ACLs enabled)")
	}
	if !s.encryption {
		out = append(out, fmt.Sprintf("%s: default encryption is %s with key %q, not SSE-KMS with %s and a bucket key", what, b.sseAlgorithm, b.sseKeyARN, keyARN))
	}
	if !s.policy {
		out = append(out, what+": the policy that denies requests without TLS, and changes to the bucket's protection by the connection role, was changed or removed")
	}
	return append(out, describeTagDiff(what, b.tags, r.bucketTags())...)
}

// bucketTags are the bucket's tags: the network's and its Name.
func (r *networkRun) bucketTags() map[string]string { return r.objectTags(r.spec.BucketName(), nil) }

// ensureBucket creates the bucket (or adopts the one a destroy retained) and puts every
// protective setting in place.
func (b *networkBuild) ensureBucket(ctx context.Context, keyARN string) error {
	r := b.r
	name := aws.String(r.spec.BucketName())
	bucket, err := r.observeBucket(ctx)
	if err != nil {
		return err
	}
	if !bucket.exists {
		in := &s3.CreateBucketInput{Bucket: name, ObjectOwnership: s3types.ObjectOwnershipBucketOwnerEnforced}
		if r.region != "us-east-1" {
			in.CreateBucketConfiguration = &s3types.CreateBucketConfiguration{LocationConstraint: s3types.BucketLocationConstraint(r.region)}
		}
		_, err := r.s3.CreateBucket(ctx, in)
		var owned *s3types.BucketAlreadyOwnedByYou
		if err != nil && !errors.As(err, &owned) {
			var taken *s3types.BucketAlreadyExists
			if errors.As(err, &taken) {
				return &lakesail.ConflictError{What: "S3 bucket " + r.spec.BucketName() + " (owned by another account)", Err: lakesail.Classify("s3:CreateBucket", err)}
			}
			return lakesail.WrapStep(lakesail.Classify("s3:CreateBucket", err), "creating bucket %s", r.spec.BucketName())
		}
		bucket = &workspaceBucket{exists: true, tags: map[string]string{}}
	}
	b.note(func(n *Network) { n.BucketName, n.BucketARN = r.spec.BucketName(), r.bucketARN() })
	want := r.compareBucket(bucket, keyARN)
	// Public access is blocked first, so nothing else opens the bucket even for a moment.
	if !want.publicAccessBlock {
		err := r.changeProtection(ctx, bucket, "public access block", "s3:PutBucketPublicAccessBlock", func(ctx context.Context, api lakesail.S3API) error {
			_, err := api.PutPublicAccessBlock(ctx, &s3.PutPublicAccessBlockInput{Bucket: name, PublicAccessBlockConfiguration: &s3types.PublicAccessBlockConfiguration{
				BlockPublicAcls: aws.Bool(true), IgnorePublicAcls: aws.Bool(true), BlockPublicPolicy: aws.Bool(true), RestrictPublicBuckets: aws.Bool(true),
			}})
			return lakesail.Classify("s3:PutBucketPublicAccessBlock", err)
		})
		if err != nil {
			return lakesail.WrapStep(err, "blocking public access to bucket %s", r.spec.BucketName())
		}
	}
	group, gctx := errgroup.WithContext(ctx)
	if !want.ownership {
		group.Go(func() error {
			err := r.changeProtection(gctx, bucket, "object ownership", "s3:PutBucketOwnershipControls", func(ctx context.Context, api lakesail.S3API) error {
				_, err := api.PutBucketOwnershipControls(ctx, &s3.PutBucketOwnershipControlsInput{Bucket: name, OwnershipControls: &s3types.OwnershipControls{
					Rules: []s3types.OwnershipControlsRule{{ObjectOwnership: s3types.ObjectOwnershipBucketOwnerEnforced}},
				}})
				return lakesail.Classify("s3:PutBucketOwnershipControls", err)
			})
			return lakesail.WrapStep(err, "disabling ACLs on bucket %s", r.spec.BucketName())
		})
	}
	if !want.encryption {
		group.Go(func() error {
			err := r.changeProtection(gctx, bucket, "default encryption", "s3:PutEncryptionConfiguration", func(ctx context.Context, api lakesail.S3API) error {
				_, err := api.PutBucketEncryption(ctx, &s3.PutBucketEncryptionInput{Bucket: name, ServerSideEncryptionConfiguration: &s3types.ServerSideEncryptionConfiguration{
					Rules: []s3types.ServerSideEncryptionRule{{
						ApplyServerSideEncryptionByDefault: &s3types.ServerSideEncryptionByDefault{SSEAlgorithm: s3types.ServerSideEncryptionAwsKms, KMSMasterKeyID: aws.String(keyARN)},
						BucketKeyEnabled:                   aws.Bool(true),
					}},
				}})
				return lakesail.Classify("s3:PutEncryptionConfiguration", err)
			})
			return lakesail.WrapStep(err, "setting SSE-KMS on bucket %s", r.spec.BucketName())
		})
	}
	if !want.tags {
		group.Go(func() error {
			tags := maps.Clone(r.bucketTags())
			for k, v := range bucket.tags {
				if !ownedTagKey(k) {
					tags[k] = v
				}
			}
			_, err := r.s3.PutBucketTagging(gctx, &s3.PutBucketTaggingInput{Bucket: name, Tagging: &s3types.Tagging{TagSet: s3Tags(tags)}})
			return lakesail.WrapStep(lakesail.Classify("s3:PutBucketTagging", err), "tagging bucket %s", r.spec.BucketName())
		})
	}
	if err := group.Wait(); err != nil {
		return err
	}
	// The policy goes last: once it is in place the role may no longer change any of the above.
	if !want.policy {
		err := r.changeProtection(ctx, bucket, "bucket policy", "s3:PutBucketPolicy", func(ctx context.Context, api lakesail.S3API) error {
			_, err := api.PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: name, Policy: aws.String(r.bucketPolicy())})
			return lakesail.Classify("s3:PutBucketPolicy", err)
		})
		return lakesail.WrapStep(err, "setting the policy of bucket %s (TLS only; no changes to its protection by the connection role)", r.spec.BucketName())
	}
	return nil
}

func s3Tags(tags map[string]string) []s3types.Tag {
	var out []s3types.Tag
	for _, k := range slices.Sorted(maps.Keys(tags)) {
		out = append(out, s3types.Tag{Key: aws.String(k), Value: aws.String(tags[k])})
	}
	return out
}

// emptyAndDeleteBucket deletes every version and delete marker, then the bucket (force_destroy).
func (r *networkRun) emptyAndDeleteBucket(ctx context.Context) error {
	name := aws.String(r.spec.BucketName())
	pages := s3.NewListObjectVersionsPaginator(r.s3, &s3.ListObjectVersionsInput{Bucket: name})
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		if err != nil {
			if errors.Is(lakesail.Classify("s3:ListBucketVersions", err), lakesail.ErrNotFound) {
				return nil
			}
			return lakesail.WrapStep(lakesail.Classify("s3:ListBucketVersions", err), "listing the objects of bucket %s", r.spec.BucketName())
		}
		var objects []s3types.ObjectIdentifier
		for _, v := range page.Versions {
			objects = append(objects, s3types.ObjectIdentifier{Key: v.Key, VersionId: v.VersionId})
		}
		for _, m := range page.DeleteMarkers {
			objects = append(objects, s3types.ObjectIdentifier{Key: m.Key, VersionId: m.VersionId})
		}
		if len(objects) == 0 {
			continue
		}
		out, err := r.s3.DeleteObjects(ctx, &s3.DeleteObjectsInput{Bucket: name, Delete: &s3types.Delete{Objects: objects, Quiet: aws.Bool(true)}})
		if err != nil {
			return lakesail.WrapStep(lakesail.Classify("s3:DeleteObjectVersion", err), "emptying bucket %s", r.spec.BucketName())
		}
		if len(out.Errors) > 0 {
			e := out.Errors[0]
			return lakesail.WrapStep(&lakesail.AWSError{Action: "s3:DeleteObjectVersion", Code: aws.ToString(e.Code), Message: aws.ToString(e.Message)},
				"emptying bucket %s (%d objects not deleted, the first %s)", r.spec.BucketName(), len(out.Errors), aws.ToString(e.Key))
		}
	}
	_, err := r.s3.DeleteBucket(ctx, &s3.DeleteBucketInput{Bucket: name})
	return lakesail.WrapStep(lakesail.IgnoreNotFound(lakesail.Classify("s3:DeleteBucket", err)), "deleting bucket %s", r.spec.BucketName())
}
