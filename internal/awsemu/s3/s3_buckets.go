package s3

import (
	"encoding/base64"
	"encoding/xml"
	"net/http"
	"sort"
	"strconv"
	"strings"

	"github.com/lakehq/terraform-provider-lakesail/internal/awsemu/core"
)

func s3BucketOps() []*core.Operation {
	return []*core.Operation{
		{Name: "CreateBucket", HTTP: "PUT /{Bucket}", Action: "s3:CreateBucket", Resources: bucketResource,
			Context: core.Contexts(createBucketContext, headerContext("x-amz-acl", "x-amz-object-ownership")), Also: createBucketAlso, Handle: s3CreateBucket},
		{Name: "HeadBucket", HTTP: "HEAD /{Bucket}", Action: "s3:ListBucket", Resources: bucketResource, Handle: s3HeadBucket},
		{Name: "GetBucketLocation", HTTP: "GET /{Bucket}?location", Action: "s3:GetBucketLocation", Resources: bucketResource, Handle: s3GetBucketLocation},
		{Name: "ListBuckets", HTTP: "GET /", Action: "s3:ListAllMyBuckets", Handle: s3ListBuckets},
		{Name: "DeleteBucket", HTTP: "DELETE /{Bucket}", Action: "s3:DeleteBucket", Resources: bucketResource, Handle: s3DeleteBucket},
	}
}

type createBucketConfiguration struct {
	LocationConstraint string
	Tags               []s3XMLTag `xml:"Tags>Tag"`
}

func readCreateBucketConfiguration(c *core.Req) (createBucketConfiguration, *core.APIError) {
	var cfg createBucketConfiguration
	if len(strings.TrimSpace(string(c.Body))) == 0 {
		return cfg, nil
	}
	return cfg, core.DecodeXML(c.Body, &cfg)
}

// createBucketContext yields s3:locationconstraint, and the request tags of a tagged create.
func createBucketContext(c *core.Req) map[string][]string {
	cfg, err := readCreateBucketConfiguration(c)
	if err != nil {
		return nil
	}
	m := core.MergeContext(core.RequestTagContext(tagsFromXML(cfg.Tags)))
	loc := cfg.LocationConstraint
	if loc == "" {
		loc = "us-east-1"
	}
	m["s3:locationconstraint"] = []string{loc}
	return m
}

// createBucketAlso: choosing object ownership needs s3:PutBucketOwnershipControls, and tags
// given at creation need s3:TagResource.
func createBucketAlso(c *core.Req) []core.Check {
	var out []core.Check
	if c.HTTP.Header.Get("x-amz-object-ownership") != "" {
		out = append(out, core.Check{Action: "s3:PutBucketOwnershipControls", Resources: bucketResource(c)})
	}
	if cfg, err := readCreateBucketConfiguration(c); err == nil && len(cfg.Tags) > 0 {
		out = append(out, core.Check{Action: "s3:TagResource", Resources: bucketResource(c), Context: core.RequestTagContext(tagsFromXML(cfg.Tags))})
	}
	return out
}

var objectOwnerships = map[string]bool{"BucketOwnerEnforced": true, "BucketOwnerPreferred": true, "ObjectWriter": true}

func s3CreateBucket(c *core.Req) (any, error) {
	name := c.In.Labels["Bucket"]
	if err := checkBucketName(name); err != nil {
		return nil, err
	}
	cfg, err := readCreateBucketConfiguration(c)
	if err != nil {
		return nil, err
	}
	region := cfg.LocationConstraint
	switch {
	case c.Region == "us-east-1" && region == "us-east-1":
		return nil, core.NewError("InvalidLocationConstraint", 400, "The specified location-constraint is not valid")
	case c.Region == "us-east-1" && region == "":
		region = "us-east-1"
	case c.Region != "us-east-1" && region == "":
		return nil, core.NewError("IllegalLocationConstraintException", 400,
			"The unspecified location constraint is incompatible for the region specific endpoint this request was sent to.")
	case c.Region != "us-east-1" && region != c.Region:
		return nil, core.NewError("IllegalLocationConstraintException", 400,
			"The %s location constraint is incompatible for the region specific endpoint this request was sent to.", region)
	}
	tags := tagsFromXML(cfg.Tags)
	if err := checkS3Tags(tags); err != nil {
		return nil, err
	}
	ownership := c.HTTP.Header.Get("x-amz-object-ownership")
	if ownership == "" {
		ownership = "BucketOwnerEnforced"
	}
	if !objectOwnerships[ownership] {
		return nil, s3InvalidArgument("Invalid x-amz-object-ownership header: %s", ownership)
	}
	if acl := c.HTTP.Header.Get("x-amz-acl"); acl != "" && acl != "private" && ownership == "BucketOwnerEnforced" {
		return nil, core.NewError("InvalidBucketAclWithObjectOwnership", 400, "Bucket cannot have ACLs set with ObjectOwnership's BucketOwnerEnforced setting")
	}
	if b := findBucket(c, name); b != nil {
		if b.owner != c.Caller.Account {
			return nil, core.NewError("BucketAlreadyExists", 409, "The requested bucket name is not available. The bucket namespace is shared by all users of the system. Please select a different name and try again.")
		}
		if c.Region == "us-east-1" && b.region == "us-east-1" {
			// Legacy: re-creating a bucket you own in North Virginia succeeds and changes nothing.
			return &core.RestResult{Header: http.Header{"Location": {"/" + name}}}, nil
		}
		return nil, core.NewError("BucketAlreadyOwnedByYou", 409, "Your previous request to create the named bucket succeeded and you already own it.")
	}
	b := &s3Bucket{
		name: name, region: region, owner: c.Account.Id, created: c.Now,
		encryption:        s3EncryptionRule{algorithm: "AES256"},
		publicAccessBlock: &s3PublicAccessBlock{true, true, true, true},
		ownership:         ownership,
		tags:              tags,
		objects:           map[string][]*s3Version{},
	}
	s3Of(c.Account).buckets[name] = b
	return &core.RestResult{Header: http.Header{"Location": {"/" + name}}}, nil
}

func s3HeadBucket(c *core.Req) (any, error) {
	b := findBucket(c, c.In.Labels["Bucket"])
	if b == nil {
		return nil, noSuchBucket()
	}
	h := http.Header{"X-Amz-Bucket-Region": {b.region}, "X-Amz-Access-Point-Alias": {"false"}}
	if c.Region != b.region {
		return &core.RestResult{Status: http.StatusMovedPermanently, Header: h}, nil // S3 redirects to the bucket's region
	}
	return &core.RestResult{Header: h}, nil
}

type locationConstraint struct {
	XMLName xml.Name `xml:"http://s3.amazonaws.com/doc/2006-03-01/ LocationConstraint"`
	Region  string   `xml:",chardata"`
}

// s3GetBucketLocation answers from any region; us-east-1 is the empty constraint.
func s3GetBucketLocation(c *core.Req) (any, error) {
	b := findBucket(c, c.In.Labels["Bucket"])
	if b == nil {
		return nil, noSuchBucket()
	}
	loc := b.region
	if loc == "us-east-1" {
		loc = ""
	}
	return locationConstraint{Region: loc}, nil
}

type s3Owner struct {
	ID string
}

type listedBucket struct {
	Name         string
	CreationDate core.S3Time
	BucketRegion string
}

type listAllMyBucketsResult struct {
	XMLName           xml.Name       `xml:"http://s3.amazonaws.com/doc/2006-03-01/ ListAllMyBucketsResult"`
	Owner             s3Owner        `xml:"Owner"`
	Buckets           []listedBucket `xml:"Buckets>Bucket"`
	ContinuationToken string         `xml:",omitempty"`
	Prefix            string         `xml:",omitempty"`
}

// s3ListBuckets lists the caller's account's buckets by name, with S3's optional prefix,
// bucket-region, max-buckets and continuation-token.
func s3ListBuckets(c *core.Req) (any, error) {
	max := 10000
	if v := c.Param("max-buckets"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 10000 {
			return nil, s3InvalidArgument("Argument max-buckets must be an integer between 1 and 10000")
		}
		max = n
	}
	after := ""
	if tok := c.Param("continuation-token"); tok != "" {
		raw, err := base64.RawURLEncoding.DecodeString(tok)
		if err != nil {
			return nil, s3InvalidArgument("The continuation token provided is incorrect")
		}
		after = string(raw)
	}
	prefix, region := c.Param("prefix"), c.Param("bucket-region")
	names := core.SortedKeys(s3Of(c.Account).buckets)
	out := listAllMyBucketsResult{Owner: s3Owner{ID: canonicalUserID(c.Account.Id)}, Buckets: []listedBucket{}, Prefix: prefix}
	for _, n := range names {
		b := s3Of(c.Account).buckets[n]
		if n <= after || !strings.HasPrefix(n, prefix) || (region != "" && b.region != region) {
			continue
		}
		if len(out.Buckets) == max {
			out.ContinuationToken = base64.RawURLEncoding.EncodeToString([]byte(out.Buckets[max-1].Name))
			break
		}
		out.Buckets = append(out.Buckets, listedBucket{Name: n, CreationDate: core.S3Time(b.created), BucketRegion: b.region})
	}
	sort.Slice(out.Buckets, func(i, j int) bool { return out.Buckets[i].Name < out.Buckets[j].Name })
	return out, nil
}

// s3DeleteBucket deletes an empty bucket: no objects, no versions, no delete markers.
func s3DeleteBucket(c *core.Req) (any, error) {
	b, err := existingBucket(c)
	if err != nil {
		return nil, err
	}
	if len(b.objects) > 0 {
		msg := "The bucket you tried to delete is not empty"
		if b.versioning != "" {
			msg += ". You must delete all versions in the bucket."
		}
		return nil, core.NewError("BucketNotEmpty", 409, "%s", msg)
	}
	delete(s3Of(c.AccountByID(b.owner)).buckets, b.name)
	return noContent(), nil
}
