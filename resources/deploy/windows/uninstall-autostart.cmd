@echo off
rem Pishkhan kiosk: stop starting kiosk.exe at log-on (undoes install-autostart.cmd).
setlocal
set "ENTRY=%APPDATA%\Microsoft\Windows\Start Menu\Programs\Startup\Pishkhan kiosk.cmd"
if exist "%ENTRY%" del "%ENTRY%"
echo autostart removed
exit /b 0
