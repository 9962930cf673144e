# Make the Pishkhan kiosk the Windows shell of one user (Shell Launcher; Enterprise, Education and
# IoT Enterprise editions). Run as an administrator:
#   powershell -ExecutionPolicy Bypass -File shell-launcher.ps1 -User booth [-Kiosk C:\Pishkhan\kiosk\kiosk.exe]
# Everyone else keeps Explorer. "-Remove" takes the kiosk shell away again.
param(
    [Parameter(Mandatory = $true)][string]$User,
    [string]$Kiosk = "C:\Pishkhan\kiosk\kiosk.exe",
    [switch]$Remove
)
$ErrorActionPreference = "Stop"
$RestartShell = 0  # what Shell Launcher does when the kiosk exits: restart it

$launcher = Get-CimClass -Namespace root\standardcimv2\embedded -ClassName WESL_UserSetting
$sid = (New-Object System.Security.Principal.NTAccount($User)).Translate(
    [System.Security.Principal.SecurityIdentifier]).Value

if ($Remove) {
    Invoke-CimMethod -CimClass $launcher -MethodName RemoveCustomShell -Arguments @{Sid = $sid} | Out-Null
    Write-Output "The kiosk is no longer $User's shell."
    exit 0
}
if (-not (Test-Path $Kiosk)) { throw "No kiosk at $Kiosk" }

Invoke-CimMethod -CimClass $launcher -MethodName SetDefaultShell `
    -Arguments @{Shell = "explorer.exe"; DefaultAction = $RestartShell} | Out-Null
Invoke-CimMethod -CimClass $launcher -MethodName SetCustomShell -Arguments @{
    Sid = $sid; Shell = "`"$Kiosk`" --hide-cursor"; DefaultAction = $RestartShell
} | Out-Null
Invoke-CimMethod -CimClass $launcher -MethodName SetEnabled -Arguments @{Enabled = $true} | Out-Null
Write-Output "Shell Launcher: $User now gets the kiosk instead of Explorer (restarted if it exits)."
