package core

import (
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"net/http"
	"strings"

	"github.com/lakehq/terraform-provider-lakesail/internal/iampolicy"
)

// APIError is an error as a service returns it: a code, an HTTP status and a message. Protocols
// render it in their own error shape.
type APIError struct {
	Code    string
	Status  int
	Message string
}

func (e *APIError) Error() string { return e.Code + ": " + e.Message }

// Sender reports whether the caller is at fault (4xx), for protocols that say so (awsquery Type).
func (e *APIError) Sender() bool { return e.Status < 500 }

func NewError(code string, status int, format string, args ...any) *APIError {
	return &APIError{Code: code, Status: status, Message: fmt.Sprintf(format, args...)}
}

// errKind names the errors the emulator itself raises for every service (authentication,
// authorization, throttling); each service spells them differently.
type errKind int

const (
	ErrAccessDenied errKind = iota
	errInvalidClientTokenID
	errSignatureDoesNotMatch
	errExpiredToken
	errIncompleteSignature
	errMissingAuthentication
	errThrottling
	ErrInternal
	ErrUnknownOperation
)

type errShape struct {
	Code   string
	Status int
}

// errorCodes is one service family's spelling of the emulator-raised errors.
type errorCodes map[errKind]errShape

// The one place that maps emulator-raised errors to each service's codes and statuses.
var (
	queryErrorCodes = errorCodes{ // IAM, STS (awsquery)
		ErrAccessDenied:          {"AccessDenied", 403},
		errInvalidClientTokenID:  {"InvalidClientTokenId", 403},
		errSignatureDoesNotMatch: {"SignatureDoesNotMatch", 403},
		errExpiredToken:          {"ExpiredToken", 403},
		errIncompleteSignature:   {"IncompleteSignature", 400},
		errMissingAuthentication: {"MissingAuthenticationToken", 403},
		errThrottling:            {"Throttling", 400},
		ErrInternal:              {"ServiceFailure", 500},
		ErrUnknownOperation:      {"InvalidAction", 400},
	}
	ec2ErrorCodes = errorCodes{ // EC2 (ec2query)
		ErrAccessDenied:          {"UnauthorizedOperation", 403},
		errInvalidClientTokenID:  {"AuthFailure", 401},
		errSignatureDoesNotMatch: {"AuthFailure", 401},
		errExpiredToken:          {"RequestExpired", 400},
		errIncompleteSignature:   {"AuthFailure", 401},
		errMissingAuthentication: {"MissingAuthenticationToken", 401},
		errThrottling:            {"RequestLimitExceeded", 503},
		ErrInternal:              {"InternalError", 500},
		ErrUnknownOperation:      {"InvalidAction", 400},
	}
	jsonErrorCodes = errorCodes{ // KMS, Logs, SSM, ACM, Glue (JSON 1.1)
		ErrAccessDenied:          {"AccessDeniedException", 400},
		errInvalidClientTokenID:  {"UnrecognizedClientException", 400},
		errSignatureDoesNotMatch: {"InvalidSignatureException", 400},
		errExpiredToken:          {"ExpiredTokenException", 400},
		errIncompleteSignature:   {"IncompleteSignatureException", 400},
		errMissingAuthentication: {"MissingAuthenticationTokenException", 400},
		errThrottling:            {"ThrottlingException", 400},
		ErrInternal:              {"InternalFailure", 500},
		ErrUnknownOperation:      {"UnknownOperationException", 400},
	}
	restJSONErrorCodes = errorCodes{ // EKS (REST-JSON)
		ErrAccessDenied:          {"AccessDeniedException", 403},
		errInvalidClientTokenID:  {"UnrecognizedClientException", 403},
		errSignatureDoesNotMatch: {"InvalidSignatureException", 403},
		errExpiredToken:          {"ExpiredTokenException", 403},
		errIncompleteSignature:   {"IncompleteSignatureException", 403},
		errMissingAuthentication: {"MissingAuthenticationTokenException", 403},
		errThrottling:            {"ThrottlingException", 429},
		ErrInternal:              {"ServerException", 500},
		ErrUnknownOperation:      {"UnknownOperationException", 404},
	}
	eksAuthErrorCodes = errorCodes{ // EKS Auth (REST-JSON): the codes its service model declares take the model's status
		ErrAccessDenied:          {"AccessDeniedException", 400},
		errInvalidClientTokenID:  {"UnrecognizedClientException", 403},
		errSignatureDoesNotMatch: {"InvalidSignatureException", 403},
		errExpiredToken:          {"ExpiredTokenException", 400},
		errIncompleteSignature:   {"IncompleteSignatureException", 403},
		errMissingAuthentication: {"MissingAuthenticationTokenException", 403},
		errThrottling:            {"ThrottlingException", 429},
		ErrInternal:              {"InternalServerException", 500},
		ErrUnknownOperation:      {"UnknownOperationException", 404},
	}
	s3ErrorCodes = errorCodes{ // S3 (REST-XML)
		ErrAccessDenied:          {"AccessDenied", 403},
		errInvalidClientTokenID:  {"InvalidAccessKeyId", 403},
		errSignatureDoesNotMatch: {"SignatureDoesNotMatch", 403},
		errExpiredToken:          {"ExpiredToken", 400},
		errIncompleteSignature:   {"AuthorizationHeaderMalformed", 400},
		errMissingAuthentication: {"AccessDenied", 403},
		errThrottling:            {"SlowDown", 503},
		ErrInternal:              {"InternalError", 500},
		ErrUnknownOperation:      {"NotImplemented", 501},
	}
	serviceErrorCodes = map[string]errorCodes{
		"iam": queryErrorCodes, "sts": queryErrorCodes,
		"ec2": ec2ErrorCodes,
		"kms": jsonErrorCodes, "logs": jsonErrorCodes, "ssm": jsonErrorCodes, "acm": jsonErrorCodes, "glue": jsonErrorCodes,
		"eks":      restJSONErrorCodes,
		"eks-auth": eksAuthErrorCodes,
		"s3":       s3ErrorCodes,
		"dynamodb": jsonErrorCodes, "organizations": jsonErrorCodes, "rds": queryErrorCodes,
	}
)

// defaultMessages are AWS's texts for the emulator-raised errors.
var defaultMessages = map[errKind]string{
	errInvalidClientTokenID:  "The security token included in the request is invalid.",
	errSignatureDoesNotMatch: "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.",
	errExpiredToken:          "The security token included in the request is expired",
	errMissingAuthentication: "Request is missing Authentication Token",
	errThrottling:            "Rate exceeded",
	ErrInternal:              "We encountered an internal error. Please try again.",
}

// ServiceError builds an emulator-raised error in service svc's spelling; an empty msg takes
// AWS's default text.
func ServiceError(svc string, kind errKind, msg string) *APIError {
	codes := serviceErrorCodes[svc]
	if codes == nil {
		codes = queryErrorCodes
	}
	shape := codes[kind]
	if msg == "" {
		msg = defaultMessages[kind]
	}
	return &APIError{Code: shape.Code, Status: shape.Status, Message: msg}
}

// AccessDenied is the AccessDenied error for principal calling action on resource, with AWS's
// explanation of which policy type decided (when res says).
func AccessDenied(svc, principalARN, action, resource string, res *iampolicy.Result) *APIError {
	msg := fmt.Sprintf("User: %s is not authorized to perform: %s on resource: %s", principalARN, action, resource)
	if res != nil && res.DeniedBy != "" {
		if res.Decision == iampolicy.ExplicitDeny {
			msg += " with an explicit deny in " + article(res.DeniedBy) + " " + res.DeniedBy
		} else {
			msg += " because no " + res.DeniedBy + " allows the " + action + " action"
		}
	}
	if svc == "ec2" {
		msg = ec2Unauthorized("You are not authorized to perform this operation. " + msg)
	}
	return ServiceError(svc, ErrAccessDenied, msg)
}

func article(noun string) string {
	if noun != "" && strings.ContainsRune("aeiouAEIOU", rune(noun[0])) {
		return "an"
	}
	return "a"
}

// statusText is a fallback message for faults that set none.
func statusText(code string, status int) string {
	if t := http.StatusText(status); t != "" {
		return code + " (" + t + ")"
	}
	return code
}

// ec2Unauthorized is the denial text EC2 gives: AWS's sentence plus the encoded message.
func ec2Unauthorized(msg string) string {
	return fmt.Sprintf("%s. Encoded authorization failure message: %s", msg, ec2EncodedAuthFailure(msg))
}

// ec2EncodedAuthFailure stands in for the encoded authorization message EC2 appends to
// UnauthorizedOperation (sts:DecodeAuthorizationMessage is not emulated): opaque and stable.
func ec2EncodedAuthFailure(msg string) string {
	sum := sha256.Sum256([]byte(msg))
	enc := base64.RawURLEncoding.EncodeToString(sum[:])
	return strings.Repeat(enc, 6)[:240]
}
