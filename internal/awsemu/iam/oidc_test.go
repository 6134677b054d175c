package iam_test

import (
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"

	"github.com/lakehq/terraform-provider-lakesail/internal/awsemu"
	"github.com/lakehq/terraform-provider-lakesail/internal/awsemu/emutest"
)

func TestEmuOIDCProviderRoundTrip(t *testing.T) {
	e, _ := emutest.NewTestEmu(t, awsemu.Options{})
	c := emutest.IamClient(e, e.RootCredentials())
	url := "https://oidc.eks.us-east-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE"
	thumb := strings.Repeat("9e", 20)
	out, err := c.CreateOpenIDConnectProvider(emutest.Bg, &iam.CreateOpenIDConnectProviderInput{
		Url: aws.String(url), ClientIDList: []string{"sts.amazonaws.com"}, ThumbprintList: []string{thumb},
		Tags: []iamtypes.Tag{{Key: aws.String("Service"), Value: aws.String("LakeSail")}},
	})
	emutest.Must(t, err)
	arn := *out.OpenIDConnectProviderArn
	if arn != "arn:aws:iam::123456789012:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE" {
		t.Fatalf("arn = %s", arn)
	}
	_, err = c.CreateOpenIDConnectProvider(emutest.Bg, &iam.CreateOpenIDConnectProviderInput{Url: aws.String(url), ThumbprintList: []string{thumb}})
	emutest.WantCode(t, err, "EntityAlreadyExists")
	_, err = c.CreateOpenIDConnectProvider(emutest.Bg, &iam.CreateOpenIDConnectProviderInput{Url: aws.String("https://x.example"), ThumbprintList: []string{"short"}})
	emutest.WantCode(t, err, "ValidationError")

	g, err := c.GetOpenIDConnectProvider(emutest.Bg, &iam.GetOpenIDConnectProviderInput{OpenIDConnectProviderArn: aws.String(arn)})
	emutest.Must(t, err)
	if *g.Url != strings.TrimPrefix(url, "https://") || len(g.ClientIDList) != 1 || g.ThumbprintList[0] != thumb || len(g.Tags) != 1 {
		t.Fatalf("Get = %+v", g)
	}
	_, err = c.AddClientIDToOpenIDConnectProvider(emutest.Bg, &iam.AddClientIDToOpenIDConnectProviderInput{OpenIDConnectProviderArn: aws.String(arn), ClientID: aws.String("other")})
	emutest.Must(t, err)
	_, err = c.RemoveClientIDFromOpenIDConnectProvider(emutest.Bg, &iam.RemoveClientIDFromOpenIDConnectProviderInput{OpenIDConnectProviderArn: aws.String(arn), ClientID: aws.String("sts.amazonaws.com")})
	emutest.Must(t, err)
	newThumb := strings.Repeat("ab", 20)
	_, err = c.UpdateOpenIDConnectProviderThumbprint(emutest.Bg, &iam.UpdateOpenIDConnectProviderThumbprintInput{OpenIDConnectProviderArn: aws.String(arn), ThumbprintList: []string{newThumb}})
	emutest.Must(t, err)
	_, err = c.TagOpenIDConnectProvider(emutest.Bg, &iam.TagOpenIDConnectProviderInput{OpenIDConnectProviderArn: aws.String(arn), Tags: []iamtypes.Tag{{Key: aws.String("Env"), Value: aws.String("x")}}})
	emutest.Must(t, err)
	_, err = c.UntagOpenIDConnectProvider(emutest.Bg, &iam.UntagOpenIDConnectProviderInput{OpenIDConnectProviderArn: aws.String(arn), TagKeys: []string{"Service"}})
	emutest.Must(t, err)
	tags, err := c.ListOpenIDConnectProviderTags(emutest.Bg, &iam.ListOpenIDConnectProviderTagsInput{OpenIDConnectProviderArn: aws.String(arn)})
	emutest.Must(t, err)
	g, err = c.GetOpenIDConnectProvider(emutest.Bg, &iam.GetOpenIDConnectProviderInput{OpenIDConnectProviderArn: aws.String(arn)})
	emutest.Must(t, err)
	if len(tags.Tags) != 1 || *tags.Tags[0].Key != "Env" || g.ClientIDList[0] != "other" || len(g.ClientIDList) != 1 || g.ThumbprintList[0] != newThumb {
		t.Fatalf("after updates: tags=%+v get=%+v", tags.Tags, g)
	}
	l, err := c.ListOpenIDConnectProviders(emutest.Bg, &iam.ListOpenIDConnectProvidersInput{})
	emutest.Must(t, err)
	if len(l.OpenIDConnectProviderList) != 1 || *l.OpenIDConnectProviderList[0].Arn != arn {
		t.Fatalf("List = %+v", l.OpenIDConnectProviderList)
	}
	_, err = c.DeleteOpenIDConnectProvider(emutest.Bg, &iam.DeleteOpenIDConnectProviderInput{OpenIDConnectProviderArn: aws.String(arn)})
	emutest.Must(t, err)
	_, err = c.GetOpenIDConnectProvider(emutest.Bg, &iam.GetOpenIDConnectProviderInput{OpenIDConnectProviderArn: aws.String(arn)})
	emutest.WantCode(t, err, "NoSuchEntity")
	l, err = c.ListOpenIDConnectProviders(emutest.Bg, &iam.ListOpenIDConnectProvidersInput{})
	emutest.Must(t, err)
	if len(l.OpenIDConnectProviderList) != 0 {
		t.Fatal("provider still listed")
	}
}
