Remove-Item Env:AWS_PROFILE -ErrorAction SilentlyContinue
Remove-Item Env:AWS_DEFAULT_PROFILE -ErrorAction SilentlyContinue
Remove-Item Env:AWS_SECURITY_TOKEN -ErrorAction SilentlyContinue
Remove-Item Env:AWS_ACCOUNT_ID -ErrorAction SilentlyContinue
Remove-Item Env:AWS_SESSION_EXPIRATION -ErrorAction SilentlyContinue
Remove-Item Env:AWS_ROLE_ARN -ErrorAction SilentlyContinue
Remove-Item Env:AWS_ROLE_SESSION_NAME -ErrorAction SilentlyContinue
Remove-Item Env:AWS_WEB_IDENTITY_TOKEN_FILE -ErrorAction SilentlyContinue
Remove-Item Env:AWS_CONTAINER_CREDENTIALS_RELATIVE_URI -ErrorAction SilentlyContinue
Remove-Item Env:AWS_CONTAINER_CREDENTIALS_FULL_URI -ErrorAction SilentlyContinue
Remove-Item Env:AWS_CONTAINER_AUTHORIZATION_TOKEN -ErrorAction SilentlyContinue
Remove-Item Env:AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE -ErrorAction SilentlyContinue
Remove-Item Env:AWS_CREDENTIAL_FILE -ErrorAction SilentlyContinue
$Env:AWS_ACCESS_KEY_ID = 'ASIAFAKEEXAMPLE00001'
$Env:AWS_SECRET_ACCESS_KEY = 'fakeSecret/EXAMPLE+key0000000000000000000'
$Env:AWS_SESSION_TOKEN = 'FwoGZXIvYXdzEXAMPLEFAKETOKEN//////////wEaDFAKE+session/token=='
$Env:AWS_CREDENTIAL_EXPIRATION = '2030-01-02T03:04:05Z'
$Env:AWS_REGION = 'eu-west-1'
$Env:AWS_DEFAULT_REGION = 'eu-west-1'
$Env:AWSX_PROFILE = 'target1'
