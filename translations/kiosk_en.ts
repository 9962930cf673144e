<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en_US" sourcelanguage="en">
    <context>
        <name>AgencyScreen</name>
        <message>
            <source>Call centre: %1</source>
            <translation>Call centre: %1</translation>
        </message>
        <message>
            <source>Online services (%1)</source>
            <translation>Online services (%1)</translation>
        </message>
    </context>
    <context>
        <name>AgencyTile</name>
        <message>
            <source>%1 online services</source>
            <translation>%1 online services</translation>
        </message>
    </context>
    <context>
        <name>AttractScreen</name>
        <message>
            <source>%1 services you can use online, from home, without a visit</source>
            <translation>%1 services you can use online, from home, without a visit</translation>
        </message>
        <message>
            <source>Touch the screen to start</source>
            <translation>Touch the screen to start</translation>
        </message>
    </context>
    <context>
        <name>Format</name>
        <message>
            <source>Free</source>
            <translation>Free</translation>
        </message>
        <message>
            <source>Depends on the case</source>
            <translation>Depends on the case</translation>
        </message>
        <message>
            <source>Toman</source>
            <translation>Toman</translation>
        </message>
        <message>
            <source>Rial</source>
            <translation>Rial</translation>
        </message>
        <message>
            <source>Immediately, online</source>
            <translation>Immediately, online</translation>
        </message>
    </context>
    <context>
        <name>Header</name>
        <message>
            <source>Demo</source>
            <translation>Demo</translation>
        </message>
        <message>
            <source>Requests filed here are for demonstration only</source>
            <translation>Requests filed here are for demonstration only</translation>
        </message>
        <message>
            <source>Back</source>
            <translation>Back</translation>
        </message>
        <message>
            <source>Home</source>
            <translation>Home</translation>
        </message>
        <message>
            <source>Switch language to %1</source>
            <translation>Switch language to %1</translation>
        </message>
    </context>
    <context>
        <name>HomeScreen</name>
        <message>
            <source>Choose an agency, or search for what you need</source>
            <translation>Choose an agency, or search for what you need</translation>
        </message>
        <message>
            <source>Search services, e.g. water bill, passport, postal code</source>
            <translation>Search services, e.g. water bill, passport, postal code</translation>
        </message>
        <message>
            <source>Search services</source>
            <translation>Search services</translation>
        </message>
        <message>
            <source>Clear search</source>
            <translation>Clear search</translation>
        </message>
        <message>
            <source>Nothing found. Try a shorter or different word, or clear the search to see every agency.</source>
            <translation>Nothing found. Try a shorter or different word, or clear the search to see every agency.</translation>
        </message>
    </context>
    <context>
        <name>KioskWindow</name>
        <message>
            <source>Pishkhan e-services kiosk</source>
            <translation>Pishkhan e-services kiosk</translation>
        </message>
        <message>
            <source>This kiosk is out of service for a moment.
Please ask the booth staff for help.</source>
            <translation>This kiosk is out of service for a moment.
Please ask the booth staff for help.</translation>
        </message>
    </context>
    <context>
        <name>ServiceScreen</name>
        <message>
            <source>Fee</source>
            <translation>Fee</translation>
        </message>
        <message>
            <source>Typical time</source>
            <translation>Typical time</translation>
        </message>
        <message>
            <source>Scan with your phone's camera to continue on your phone</source>
            <translation>Scan with your phone's camera to continue on your phone</translation>
        </message>
        <message>
            <source>QR code of %1</source>
            <translation>QR code of %1</translation>
        </message>
        <message>
            <source>Who it is for</source>
            <translation>Who it is for</translation>
        </message>
        <message>
            <source>No documents needed</source>
            <translation>No documents needed</translation>
        </message>
        <message>
            <source>What to have at hand</source>
            <translation>What to have at hand</translation>
        </message>
        <message>
            <source>Steps</source>
            <translation>Steps</translation>
        </message>
        <message>
            <source>Website</source>
            <translation>Website</translation>
        </message>
        <message>
            <source>Mobile app</source>
            <translation>Mobile app</translation>
        </message>
        <message>
            <source>Dial on any phone (USSD)</source>
            <translation>Dial on any phone (USSD)</translation>
        </message>
        <message>
            <source>Call</source>
            <translation>Call</translation>
        </message>
        <message>
            <source>Where to do it online</source>
            <translation>Where to do it online</translation>
        </message>
    </context>
</TS>
