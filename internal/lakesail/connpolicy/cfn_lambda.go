package connpolicy

// callbackSource is the lifecycle-notification function, inlined into the template (ZipFile,
// at most 4,096 characters). It POSTs the stack event to LakeSail over HTTPS, signed with
// HMAC-SHA256 keyed on the external ID (see CallbackSignature), and always answers
// CloudFormation with SUCCESS: a failed notification must never block creating the stack, and
// above all never block deleting it, which is how a customer revokes access. The external ID
// reaches the function only in the event's resource properties, and neither the event nor the
// signature is ever printed. The code is indented by one space and quotes with ' so that it
// costs the template less: JSON escapes every newline and double quote.
const callbackSource = `import hashlib, hmac, json, time, urllib.request
import boto3

def stack_status(stack_id):
 try:
  stacks = boto3.client('cloudformation').describe_stacks(StackName=stack_id)['Stacks']
  return stacks[0]['StackStatus'] if stacks else ''
 except Exception as err:  # the status is informative only
  print('describe_stacks failed: ' + type(err).__name__)
  return ''

def notify(event):
 props = event['ResourceProperties']
 url = props['CallbackURL']
 if not url.startswith('https://'):
  raise ValueError('the callback URL must use https')
 body = json.dumps({
  'event': event['RequestType'],
  'stack_id': event['StackId'],
  'stack_status': stack_status(event['StackId']),
  'request_id': event['RequestId'],
  'connection_id': props.get('ConnectionID', ''),
  'tenant_id': props.get('TenantID', ''),
  'role_arn': props.get('RoleArn', ''),
  'bundle_version': props.get('BundleVersion', ''),
  'timestamp': int(time.time()),
 }, sort_keys=True, separators=(',', ':')).encode()
 mac = hmac.new(props['ExternalID'].encode(), body, hashlib.sha256)
 request = urllib.request.Request(url, data=body, method='POST', headers={
  'Content-Type': 'application/json',
  'X-LakeSail-Signature': 'sha256=' + mac.hexdigest(),
 })
 with urllib.request.urlopen(request, timeout=10) as response:
  return response.status

def answer(event, reason):
 props = event.get('ResourceProperties', {})
 body = json.dumps({
  'Status': 'SUCCESS',
  'Reason': reason,
  'PhysicalResourceId': event.get('PhysicalResourceId')
  or 'lakesail-lifecycle-' + props.get('ConnectionID', 'connection'),
  'StackId': event['StackId'],
  'RequestId': event['RequestId'],
  'LogicalResourceId': event['LogicalResourceId'],
  'NoEcho': True,
  'Data': {},
 }).encode()
 request = urllib.request.Request(event['ResponseURL'], data=body, method='PUT',
  headers={'Content-Type': ''})
 with urllib.request.urlopen(request, timeout=10):
  pass

def handler(event, context):
 reason = 'LakeSail was not notified'
 try:
  reason = 'LakeSail answered HTTP %d' % notify(event)
 except Exception as err:
  reason = 'LakeSail was not notified (' + type(err).__name__ + ')'
 finally:
  print(event.get('RequestType', '') + ': ' + reason)
  answer(event, reason)
`
