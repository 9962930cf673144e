@echo off
rem Pishkhan kiosk: start kiosk.exe whenever this Windows user logs on. No administrator rights needed.
rem Run it from where it is in the copied bundle: kiosk\_internal\resources\deploy\windows\
setlocal
for %%I in ("%~dp0..\..\..\..\kiosk.exe") do set "KIOSK=%%~fI"
if not exist "%KIOSK%" (
  echo kiosk.exe not found at "%KIOSK%": run this file from inside the copied kiosk folder.
  exit /b 1
)
set "STARTUP=%APPDATA%\Microsoft\Windows\Start Menu\Programs\Startup"
> "%STARTUP%\Pishkhan kiosk.cmd" echo @start "" "%KIOSK%"
if errorlevel 1 (
  echo could not write to "%STARTUP%"
  exit /b 1
)
echo autostart set: "%STARTUP%\Pishkhan kiosk.cmd" starts "%KIOSK%" at log-on
echo check the copy first: "%~dp0..\..\..\..\kiosk-console.exe" --self-test
exit /b 0
