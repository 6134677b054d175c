package s3

import (
	"encoding/xml"
	"errors"
	"net/http"
	"strings"

	"github.com/lakehq/terraform-provider-lakesail/internal/awsemu/core"
	"github.com/lakehq/terraform-provider-lakesail/internal/iampolicy"
)

const maxBucketPolicySize = 20 * 1024

func malformedBucketPolicy(format string, args ...any) *core.APIError {
	return core.NewError("MalformedPolicy", 400, format, args...)
}

// parseBucketPolicy validates a bucket policy as S3 does: it parses, every statement names a
// principal and resources in this bucket, actions are S3 actions, and principals exist.
func parseBucketPolicy(c *core.Req, bucket, text string) (*iampolicy.Document, *core.APIError) {
	if len(text) > maxBucketPolicySize {
		return nil, core.NewError("PolicyTooLarge", 400, "Policy exceeds the maximum allowed document size.")
	}
	if !strings.HasPrefix(strings.TrimSpace(text), "{") {
		return nil, malformedBucketPolicy("Policies must be valid JSON and the first byte must be '{'")
	}
	doc, err := iampolicy.Parse(text)
	if err != nil {
		var pe *iampolicy.ParseError
		if errors.As(err, &pe) {
			return nil, malformedBucketPolicy("%s", pe.Reason)
		}
		return nil, malformedBucketPolicy("%s", err.Error())
	}
	arn := bucketARN(bucket)
	for _, st := range doc.Statement {
		if st.Principal == nil && st.NotPrincipal == nil {
			return nil, malformedBucketPolicy("Missing required field Principal")
		}
		for _, a := range append(append(iampolicy.Values{}, st.Action...), st.NotAction...) {
			if a != "*" && !strings.HasPrefix(strings.ToLower(a), "s3:") {
				return nil, malformedBucketPolicy("Policy has invalid action")
			}
		}
		resources := append(append(iampolicy.Values{}, st.Resource...), st.NotResource...)
		if len(resources) == 0 {
			return nil, malformedBucketPolicy("Missing required field Resource")
		}
		for _, r := range resources {
			if r != arn && !strings.HasPrefix(r, arn+"/") {
				return nil, malformedBucketPolicy("Policy has invalid resource")
			}
		}
		for _, pr := range []*iampolicy.Principal{st.Principal, st.NotPrincipal} {
			if pr == nil {
				continue
			}
			for _, v := range pr.AWS {
				if !c.PrincipalExists(v) {
					return nil, malformedBucketPolicy("Invalid principal in policy")
				}
			}
		}
	}
	return doc, nil
}

// policyCallerInOwnerAccount: the bucket-policy calls are the owner account's alone. A caller of
// another account that IAM allowed gets 405 MethodNotAllowed, as S3 answers.
func policyCallerInOwnerAccount(c *core.Req, b *s3Bucket) *core.APIError {
	if c.Caller.Account != b.owner {
		return core.NewError("MethodNotAllowed", 405, "The specified method is not allowed against this resource.")
	}
	return nil
}

func s3PutBucketPolicy(c *core.Req) (any, error) {
	b, err := existingBucket(c)
	if err != nil {
		return nil, err
	}
	if err := policyCallerInOwnerAccount(c, b); err != nil {
		return nil, err
	}
	text := string(c.Body)
	doc, err := parseBucketPolicy(c, b.name, text)
	if err != nil {
		return nil, err
	}
	if b.publicAccessBlock != nil && b.publicAccessBlock.BlockPublicPolicy && policyIsPublic(doc) {
		c.Deny()
		return nil, core.ServiceError("s3", core.ErrAccessDenied, "User: "+c.Caller.ARN+" is not authorized to perform: s3:PutBucketPolicy on resource: \""+
			bucketARN(b.name)+"\" because public policies are blocked by the BlockPublicPolicy block public access setting.")
	}
	b.policyText, b.policy = text, doc
	return noContent(), nil
}

// s3GetBucketPolicy returns the policy document as the response body.
func s3GetBucketPolicy(c *core.Req) (any, error) {
	b, err := existingBucket(c)
	if err != nil {
		return nil, err
	}
	if err := policyCallerInOwnerAccount(c, b); err != nil {
		return nil, err
	}
	if b.policy == nil {
		return nil, core.NewError("NoSuchBucketPolicy", 404, "The bucket policy does not exist")
	}
	return &core.RestResult{Header: http.Header{"Content-Type": {"application/json"}}, Body: []byte(b.policyText)}, nil
}

func s3DeleteBucketPolicy(c *core.Req) (any, error) {
	b, err := existingBucket(c)
	if err != nil {
		return nil, err
	}
	if err := policyCallerInOwnerAccount(c, b); err != nil {
		return nil, err
	}
	b.policyText, b.policy = "", nil
	return noContent(), nil
}

type policyStatus struct {
	XMLName  xml.Name `xml:"http://s3.amazonaws.com/doc/2006-03-01/ PolicyStatus"`
	IsPublic bool
}

// s3GetBucketPolicyStatus says whether the bucket policy makes the bucket public (the same
// test Block Public Access applies).
func s3GetBucketPolicyStatus(c *core.Req) (any, error) {
	b, err := existingBucket(c)
	if err != nil {
		return nil, err
	}
	if b.policy == nil {
		return nil, core.NewError("NoSuchBucketPolicy", 404, "The bucket policy does not exist")
	}
	return policyStatus{IsPublic: policyIsPublic(b.policy)}, nil
}
