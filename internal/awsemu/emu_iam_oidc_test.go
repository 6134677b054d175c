package awsemu

import (
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
)

func TestEmuOIDCProviderRoundTrip(t *testing.T) {
	e, _ := newTestEmu(t, Options{})
	c := iamClient(e, e.RootCredentials())
	url := "https://oidc.eks.us-east-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE"
	thumb := strings.Repeat("9e", 20)
	out, err := c.CreateOpenIDConnectProvider(bg, &iam.CreateOpenIDConnectProviderInput{
		Url: aws.String(url), ClientIDList: []string{"sts.amazonaws.com"}, ThumbprintList: []string{thumb},
		Tags: []iamtypes.Tag{{Key: aws.String("Service"), Value: aws.String("LakeSail")}},
	})
	must(t, err)
	arn := *out.OpenIDConnectProviderArn
	if arn != "arn:aws:iam::123456789012:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE" {
		t.Fatalf("arn = %s", arn)
	}
	_, err = c.CreateOpenIDConnectProvider(bg, &iam.CreateOpenIDConnectProviderInput{Url: aws.String(url), ThumbprintList: []string{thumb}})
	wantCode(t, err, "EntityAlreadyExists")
	_, err = c.CreateOpenIDConnectProvider(bg, &iam.CreateOpenIDConnectProviderInput{Url: aws.String("https://x.example"), ThumbprintList: []string{"short"}})
	wantCode(t, err, "ValidationError")

	g, err := c.GetOpenIDConnectProvider(bg, &iam.GetOpenIDConnectProviderInput{OpenIDConnectProviderArn: aws.String(arn)})
	must(t, err)
	if *g.Url != strings.TrimPrefix(url, "https://") || len(g.ClientIDList) != 1 || g.ThumbprintList[0] != thumb || len(g.Tags) != 1 {
		t.Fatalf("Get = %+v", g)
	}
	_, err = c.AddClientIDToOpenIDConnectProvider(bg, &iam.AddClientIDToOpenIDConnectProviderInput{OpenIDConnectProviderArn: aws.String(arn), ClientID: aws.String("other")})
	must(t, err)
	_, err = c.RemoveClientIDFromOpenIDConnectProvider(bg, &iam.RemoveClientIDFromOpenIDConnectProviderInput{OpenIDConnectProviderArn: aws.String(arn), ClientID: aws.String("sts.amazonaws.com")})
	must(t, err)
	newThumb := strings.Repeat("ab", 20)
	_, err = c.UpdateOpenIDConnectProviderThumbprint(bg, &iam.UpdateOpenIDConnectProviderThumbprintInput{OpenIDConnectProviderArn: aws.String(arn), ThumbprintList: []string{newThumb}})
	must(t, err)
	_, err = c.TagOpenIDConnectProvider(bg, &iam.TagOpenIDConnectProviderInput{OpenIDConnectProviderArn: aws.String(arn), Tags: []iamtypes.Tag{{Key: aws.String("Env"), Value: aws.String("x")}}})
	must(t, err)
	_, err = c.UntagOpenIDConnectProvider(bg, &iam.UntagOpenIDConnectProviderInput{OpenIDConnectProviderArn: aws.String(arn), TagKeys: []string{"Service"}})
	must(t, err)
	tags, err := c.ListOpenIDConnectProviderTags(bg, &iam.ListOpenIDConnectProviderTagsInput{OpenIDConnectProviderArn: aws.String(arn)})
	must(t, err)
	g, err = c.GetOpenIDConnectProvider(bg, &iam.GetOpenIDConnectProviderInput{OpenIDConnectProviderArn: aws.String(arn)})
	must(t, err)
	if len(tags.Tags) != 1 || *tags.Tags[0].Key != "Env" || g.ClientIDList[0] != "other" || len(g.ClientIDList) != 1 || g.ThumbprintList[0] != newThumb {
		t.Fatalf("after updates: tags=%+v get=%+v", tags.Tags, g)
	}
	l, err := c.ListOpenIDConnectProviders(bg, &iam.ListOpenIDConnectProvidersInput{})
	must(t, err)
	if len(l.OpenIDConnectProviderList) != 1 || *l.OpenIDConnectProviderList[0].Arn != arn {
		t.Fatalf("List = %+v", l.OpenIDConnectProviderList)
	}
	_, err = c.DeleteOpenIDConnectProvider(bg, &iam.DeleteOpenIDConnectProviderInput{OpenIDConnectProviderArn: aws.String(arn)})
	must(t, err)
	_, err = c.GetOpenIDConnectProvider(bg, &iam.GetOpenIDConnectProviderInput{OpenIDConnectProviderArn: aws.String(arn)})
	wantCode(t, err, "NoSuchEntity")
	l, err = c.ListOpenIDConnectProviders(bg, &iam.ListOpenIDConnectProvidersInput{})
	must(t, err)
	if len(l.OpenIDConnectProviderList) != 0 {
		t.Fatal("provider still listed")
	}
}
