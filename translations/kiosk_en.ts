<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en_US" sourcelanguage="en">
    <context>
        <name>AgencyGrid</name>
        <message>
            <source>Previous</source>
            <translation>Previous</translation>
        </message>
        <message>
            <source>Next</source>
            <translation>Next</translation>
        </message>
        <message>
            <source>Page %1 of %2</source>
            <translation>Page %1 of %2</translation>
        </message>
    </context>
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
        <message>
            <source>To listen: press a key of the keypad, or hold the top right corner of the screen</source>
            <translation>To listen: press a key of the keypad, or hold the top right corner of the screen</translation>
        </message>
    </context>
    <context>
        <name>FieldMessages</name>
        <message>
            <source>Please choose a date first.</source>
            <translation>Please choose a date first.</translation>
        </message>
        <message>
            <source>Please answer this question.</source>
            <translation>Please answer this question.</translation>
        </message>
        <message>
            <source>This is too long: at most %1 characters.</source>
            <translation>This is too long: at most %1 characters.</translation>
        </message>
        <message>
            <source>This is too short: please write at least %1 letters.</source>
            <translation>This is too short: please write at least %1 letters.</translation>
        </message>
        <message>
            <source>A national ID has 10 digits. Please check the number on your card.</source>
            <translation>A national ID has 10 digits. Please check the number on your card.</translation>
        </message>
        <message>
            <source>This national ID is not correct. Please check each digit on your card.</source>
            <translation>This national ID is not correct. Please check each digit on your card.</translation>
        </message>
        <message>
            <source>This national ID cannot be accepted here. Please ask the booth staff for help.</source>
            <translation>This national ID cannot be accepted here. Please ask the booth staff for help.</translation>
        </message>
        <message>
            <source>Please use digits only.</source>
            <translation>Please use digits only.</translation>
        </message>
        <message>
            <source>A mobile number starts with 09.</source>
            <translation>A mobile number starts with 09.</translation>
        </message>
        <message>
            <source>A mobile number has 11 digits, like %1.</source>
            <translation>A mobile number has 11 digits, like %1.</translation>
        </message>
        <message>
            <source>This date does not exist. Please choose the day again.</source>
            <translation>This date does not exist. Please choose the day again.</translation>
        </message>
        <message>
            <source>A postal code has 10 digits.</source>
            <translation>A postal code has 10 digits.</translation>
        </message>
        <message>
            <source>This needs at least %1 digits.</source>
            <translation>This needs at least %1 digits.</translation>
        </message>
        <message>
            <source>This can have at most %1 digits.</source>
            <translation>This can have at most %1 digits.</translation>
        </message>
        <message>
            <source>Please choose one of the options.</source>
            <translation>Please choose one of the options.</translation>
        </message>
        <message>
            <source>This date cannot be after today.</source>
            <translation>This date cannot be after today.</translation>
        </message>
        <message>
            <source>This date cannot be before today.</source>
            <translation>This date cannot be before today.</translation>
        </message>
        <message>
            <source>Please tick this box to go on.</source>
            <translation>Please tick this box to go on.</translation>
        </message>
        <message>
            <source>Please check this answer.</source>
            <translation>Please check this answer.</translation>
        </message>
    </context>
    <context>
        <name>FormScreen</name>
        <message>
            <source>Question %1 of %2</source>
            <translation>Question %1 of %2</translation>
        </message>
        <message>
            <source>Next</source>
            <translation>Next</translation>
        </message>
        <message>
            <source>Next question</source>
            <translation>Next question</translation>
        </message>
        <message>
            <source>Previous</source>
            <translation>Previous</translation>
        </message>
        <message>
            <source>Previous question</source>
            <translation>Previous question</translation>
        </message>
        <message>
            <source>Check my answers</source>
            <translation>Check my answers</translation>
        </message>
    </context>
    <context>
        <name>Format</name>
        <message>
            <source>%1, at %2</source>
            <translation>%1, at %2</translation>
        </message>
        <message>
            <source>%1 d</source>
            <translation>%1 d</translation>
        </message>
        <message>
            <source>%1 h</source>
            <translation>%1 h</translation>
        </message>
        <message>
            <source>%1 min</source>
            <translation>%1 min</translation>
        </message>
        <message>
            <source>under a minute</source>
            <translation>under a minute</translation>
        </message>
        <message>
            <source>%1 and %2</source>
            <translation>%1 and %2</translation>
        </message>
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
            <source>Fee: %1 — Time: %2</source>
            <translation>Fee: %1 — Time: %2</translation>
        </message>
        <message>
            <source>Immediately, online</source>
            <translation>Immediately, online</translation>
        </message>
    </context>
    <context>
        <name>Header</name>
        <message>
            <source>No sound</source>
            <translation>No sound</translation>
        </message>
        <message>
            <source>Stop</source>
            <translation>Stop</translation>
        </message>
        <message>
            <source>Listen</source>
            <translation>Listen</translation>
        </message>
        <message>
            <source>This kiosk cannot play sound</source>
            <translation>This kiosk cannot play sound</translation>
        </message>
        <message>
            <source>Read this screen aloud</source>
            <translation>Read this screen aloud</translation>
        </message>
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
            <source>Search services, e.g. %1</source>
            <translation>Search services, e.g. %1</translation>
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
            <source>Follow a request</source>
            <translation>Follow a request</translation>
        </message>
        <message>
            <source>Larger text</source>
            <translation>Larger text</translation>
        </message>
        <message>
            <source>Larger text for this visit</source>
            <translation>Larger text for this visit</translation>
        </message>
        <message>
            <source>High contrast</source>
            <translation>High contrast</translation>
        </message>
        <message>
            <source>High contrast colours for this visit</source>
            <translation>High contrast colours for this visit</translation>
        </message>
        <message>
            <source>Follow a request you filed, with its tracking code</source>
            <translation>Follow a request you filed, with its tracking code</translation>
        </message>
    </context>
    <context>
        <name>IdlePrompt</name>
        <message>
            <source>Are you still there?</source>
            <translation>Are you still there?</translation>
        </message>
        <message>
            <source>For your privacy, what you typed will be cleared when this count reaches zero: %1</source>
            <translation>For your privacy, what you typed will be cleared when this count reaches zero: %1</translation>
        </message>
        <message>
            <source>I'm still here</source>
            <translation>I'm still here</translation>
        </message>
    </context>
    <context>
        <name>JalaliDatePicker</name>
        <message>
            <source>No date chosen yet: tap the day, or "Today".</source>
            <translation>No date chosen yet: tap the day, or "Today".</translation>
        </message>
        <message>
            <source>Your date: %1</source>
            <translation>Your date: %1</translation>
        </message>
        <message>
            <source>Today</source>
            <translation>Today</translation>
        </message>
        <message>
            <source>Year</source>
            <translation>Year</translation>
        </message>
        <message>
            <source>Month</source>
            <translation>Month</translation>
        </message>
        <message>
            <source>Year before</source>
            <translation>Year before</translation>
        </message>
        <message>
            <source>Year after</source>
            <translation>Year after</translation>
        </message>
        <message>
            <source>Month before</source>
            <translation>Month before</translation>
        </message>
        <message>
            <source>Month after</source>
            <translation>Month after</translation>
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
        <name>LeavePrompt</name>
        <message>
            <source>Your answers will be cleared.
Do you want to leave?</source>
            <translation>Your answers will be cleared.
Do you want to leave?</translation>
        </message>
        <message>
            <source>No, stay</source>
            <translation>No, stay</translation>
        </message>
        <message>
            <source>Yes, leave</source>
            <translation>Yes, leave</translation>
        </message>
    </context>
    <context>
        <name>OnScreenKeyboard</name>
        <message>
            <source>Delete the last letter</source>
            <translation>Delete the last letter</translation>
        </message>
        <message>
            <source>space</source>
            <translation>space</translation>
        </message>
        <message>
            <source>half space</source>
            <translation>half space</translation>
        </message>
        <message>
            <source>Capital letters</source>
            <translation>Capital letters</translation>
        </message>
        <message>
            <source>English</source>
            <translation>English</translation>
        </message>
        <message>
            <source>English letters</source>
            <translation>English letters</translation>
        </message>
        <message>
            <source>Persian</source>
            <translation>Persian</translation>
        </message>
        <message>
            <source>Persian letters</source>
            <translation>Persian letters</translation>
        </message>
        <message>
            <source>Letters</source>
            <translation>Letters</translation>
        </message>
        <message>
            <source>Back to the letters</source>
            <translation>Back to the letters</translation>
        </message>
        <message>
            <source>Signs</source>
            <translation>Signs</translation>
        </message>
        <message>
            <source>Signs: brackets, question mark and more</source>
            <translation>Signs: brackets, question mark and more</translation>
        </message>
    </context>
    <context>
        <name>PinPad</name>
        <message>
            <source>Staff mode is not set up on this kiosk. A technician sets the PINs.</source>
            <translation>Staff mode is not set up on this kiosk. A technician sets the PINs.</translation>
        </message>
        <message>
            <source>Checking…</source>
            <translation>Checking…</translation>
        </message>
        <message>
            <source>The PIN file cannot be read. A technician must check the kiosk.</source>
            <translation>The PIN file cannot be read. A technician must check the kiosk.</translation>
        </message>
        <message>
            <source>Wrong PIN.</source>
            <translation>Wrong PIN.</translation>
        </message>
        <message>
            <source>Too many wrong PINs. The pad opens again in %1 seconds.</source>
            <translation>Too many wrong PINs. The pad opens again in %1 seconds.</translation>
        </message>
        <message>
            <source>Staff PIN</source>
            <translation>Staff PIN</translation>
        </message>
        <message>
            <source>Enter</source>
            <translation>Enter</translation>
        </message>
        <message>
            <source>Enter the PIN</source>
            <translation>Enter the PIN</translation>
        </message>
        <message>
            <source>Cancel</source>
            <translation>Cancel</translation>
        </message>
        <message>
            <source>Cancel and go back</source>
            <translation>Cancel and go back</translation>
        </message>
    </context>
    <context>
        <name>QuestionStep</name>
        <message>
            <source>%1 (optional)</source>
            <translation>%1 (optional)</translation>
        </message>
        <message>
            <source>Please read this, and tick it if you agree:</source>
            <translation>Please read this, and tick it if you agree:</translation>
        </message>
    </context>
    <context>
        <name>ReadAloud</name>
        <message>
            <source>Buttons:</source>
            <translation>Buttons:</translation>
        </message>
    </context>
    <context>
        <name>ReceiptScreen</name>
        <message>
            <source>Your request is registered</source>
            <translation>Your request is registered</translation>
        </message>
        <message>
            <source>Your tracking code</source>
            <translation>Your tracking code</translation>
        </message>
        <message>
            <source>Tracking code %1</source>
            <translation>Tracking code %1</translation>
        </message>
        <message>
            <source>%1, for %2</source>
            <translation>%1, for %2</translation>
        </message>
        <message>
            <source>Keep this code. The kiosk sends your request to the agency, even if the network is down for a while. With the code you can follow it at any kiosk.</source>
            <translation>Keep this code. The kiosk sends your request to the agency, even if the network is down for a while. With the code you can follow it at any kiosk.</translation>
        </message>
        <message>
            <source>Demonstration: this request is recorded as a demo and no agency acts on it.</source>
            <translation>Demonstration: this request is recorded as a demo and no agency acts on it.</translation>
        </message>
        <message>
            <source>Photograph this code with your phone to keep it</source>
            <translation>Photograph this code with your phone to keep it</translation>
        </message>
        <message>
            <source>Print receipt</source>
            <translation>Print receipt</translation>
        </message>
        <message>
            <source>Done</source>
            <translation>Done</translation>
        </message>
        <message>
            <source>Done: finish and clear my answers</source>
            <translation>Done: finish and clear my answers</translation>
        </message>
    </context>
    <context>
        <name>RequestFlow</name>
        <message>
            <source>The receipt could not be printed. Please note the code down.</source>
            <translation>The receipt could not be printed. Please note the code down.</translation>
        </message>
        <message>
            <source>Printing… please take your receipt from the printer.</source>
            <translation>Printing… please take your receipt from the printer.</translation>
        </message>
        <message>
            <source>There is no printer here: the receipt was saved for the staff. Please note the code down.</source>
            <translation>There is no printer here: the receipt was saved for the staff. Please note the code down.</translation>
        </message>
    </context>
    <context>
        <name>ReviewScreen</name>
        <message>
            <source>(not given)</source>
            <translation>(not given)</translation>
        </message>
        <message>
            <source>Yes</source>
            <translation>Yes</translation>
        </message>
        <message>
            <source>Hide</source>
            <translation>Hide</translation>
        </message>
        <message>
            <source>Hide %1</source>
            <translation>Hide %1</translation>
        </message>
        <message>
            <source>hidden; tap Show to see it</source>
            <translation>hidden; tap Show to see it</translation>
        </message>
        <message>
            <source>Show</source>
            <translation>Show</translation>
        </message>
        <message>
            <source>Show %1</source>
            <translation>Show %1</translation>
        </message>
        <message>
            <source>Check your answers</source>
            <translation>Check your answers</translation>
        </message>
        <message>
            <source>%1 · %2</source>
            <translation>%1 · %2</translation>
        </message>
        <message>
            <source>This kiosk is in demonstration mode: the request is recorded as a demo and no agency acts on it.</source>
            <translation>This kiosk is in demonstration mode: the request is recorded as a demo and no agency acts on it.</translation>
        </message>
        <message>
            <source>I confirm these answers are correct and agree that they are sent to %1.</source>
            <translation>I confirm these answers are correct and agree that they are sent to %1.</translation>
        </message>
        <message>
            <source>Change an answer</source>
            <translation>Change an answer</translation>
        </message>
        <message>
            <source>Send my request</source>
            <translation>Send my request</translation>
        </message>
    </context>
    <context>
        <name>SearchResults</name>
        <message>
            <source>This kiosk has no service for these words. Try other words, or choose an agency.</source>
            <translation>This kiosk has no service for these words. Try other words, or choose an agency.</translation>
        </message>
        <message>
            <source>See every agency</source>
            <translation>See every agency</translation>
        </message>
        <message>
            <source>Nothing matches exactly. Did you mean one of these?</source>
            <translation>Nothing matches exactly. Did you mean one of these?</translation>
        </message>
        <message>
            <source>%1 more found. Type a few more letters to narrow the list.</source>
            <translation>%1 more found. Type a few more letters to narrow the list.</translation>
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
            <source>File this request here</source>
            <translation>File this request here</translation>
        </message>
        <message>
            <source>Fill in a short form now; the kiosk sends it to the agency for you.</source>
            <translation>Fill in a short form now; the kiosk sends it to the agency for you.</translation>
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
            <source>About this service</source>
            <translation>About this service</translation>
        </message>
        <message>
            <source>Service ID</source>
            <translation>Service ID</translation>
        </message>
        <message>
            <source>Type</source>
            <translation>Type</translation>
        </message>
        <message>
            <source>Legal basis</source>
            <translation>Legal basis</translation>
        </message>
        <message>
            <source>Responsible unit</source>
            <translation>Responsible unit</translation>
        </message>
        <message>
            <source>On the national services window</source>
            <translation>On the national services window</translation>
        </message>
        <message>
            <source>Last checked by the agency</source>
            <translation>Last checked by the agency</translation>
        </message>
        <message>
            <source>a service to citizens (G2C)</source>
            <translation>a service to citizens (G2C)</translation>
        </message>
        <message>
            <source>a service to businesses (G2B)</source>
            <translation>a service to businesses (G2B)</translation>
        </message>
        <message>
            <source>a service to government bodies (G2G)</source>
            <translation>a service to government bodies (G2G)</translation>
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
    <context>
        <name>SpeechMode</name>
        <message>
            <source>Speech mode is on. Press star for help.</source>
            <translation>Speech mode is on. Press star for help.</translation>
        </message>
        <message>
            <source>Speech mode is off.</source>
            <translation>Speech mode is off.</translation>
        </message>
        <message>
            <source>empty</source>
            <translation>empty</translation>
        </message>
        <message>
            <source>a box to write in</source>
            <translation>a box to write in</translation>
        </message>
        <message>
            <source>chosen</source>
            <translation>chosen</translation>
        </message>
        <message>
            <source>not chosen</source>
            <translation>not chosen</translation>
        </message>
        <message>
            <source>button</source>
            <translation>button</translation>
        </message>
        <message>
            <source>Nothing to press here.</source>
            <translation>Nothing to press here.</translation>
        </message>
        <message>
            <source>Type now. Enter when done.</source>
            <translation>Type now. Enter when done.</translation>
        </message>
        <message>
            <source>space</source>
            <translation>space</translation>
        </message>
        <message>
            <source>erased %1</source>
            <translation>erased %1</translation>
        </message>
        <message>
            <source>not taken</source>
            <translation>not taken</translation>
        </message>
        <message>
            <source>Keys: 2 or down, next. 8 or up, previous. 5 or Enter, choose. 0, back. Star, this help. Slash, say it again. Plus and minus, louder and softer. In a box, type the answer; left and right pick a letter of the keyboard.</source>
            <translation>Keys: 2 or down, next. 8 or up, previous. 5 or Enter, choose. 0, back. Star, this help. Slash, say it again. Plus and minus, louder and softer. In a box, type the answer; left and right pick a letter of the keyboard.</translation>
        </message>
        <message>
            <source>Louder</source>
            <translation>Louder</translation>
        </message>
        <message>
            <source>This is the loudest</source>
            <translation>This is the loudest</translation>
        </message>
        <message>
            <source>Softer</source>
            <translation>Softer</translation>
        </message>
        <message>
            <source>This is the softest</source>
            <translation>This is the softest</translation>
        </message>
    </context>
    <context>
        <name>StaffActions</name>
        <message>
            <source>No central server token is set: a technician sets it under Technician.</source>
            <translation>No central server token is set: a technician sets it under Technician.</translation>
        </message>
        <message>
            <source>Sending now.</source>
            <translation>Sending now.</translation>
        </message>
        <message>
            <source>There is no outbox on this kiosk.</source>
            <translation>There is no outbox on this kiosk.</translation>
        </message>
        <message>
            <source>Profile %1 was refused: %2</source>
            <translation>Profile %1 was refused: %2</translation>
        </message>
        <message>
            <source>Profile %1 is on.</source>
            <translation>Profile %1 is on.</translation>
        </message>
        <message>
            <source>The kiosk number must be a whole number from 1 to 999.</source>
            <translation>The kiosk number must be a whole number from 1 to 999.</translation>
        </message>
        <message>
            <source>Not saved: %1</source>
            <translation>Not saved: %1</translation>
        </message>
        <message>
            <source>Saved. The panel shows whether the server answers.</source>
            <translation>Saved. The panel shows whether the server answers.</translation>
        </message>
        <message>
            <source>PIN not set: %1</source>
            <translation>PIN not set: %1</translation>
        </message>
        <message>
            <source>The technician PIN is set.</source>
            <translation>The technician PIN is set.</translation>
        </message>
        <message>
            <source>The booth staff PIN is set.</source>
            <translation>The booth staff PIN is set.</translation>
        </message>
    </context>
    <context>
        <name>StaffPanel</name>
        <message>
            <source>technician</source>
            <translation>technician</translation>
        </message>
        <message>
            <source>booth staff</source>
            <translation>booth staff</translation>
        </message>
        <message>
            <source>Staff panel (%1)</source>
            <translation>Staff panel (%1)</translation>
        </message>
        <message>
            <source>Close staff mode</source>
            <translation>Close staff mode</translation>
        </message>
        <message>
            <source>Requests queue</source>
            <translation>Requests queue</translation>
        </message>
        <message>
            <source>Send now</source>
            <translation>Send now</translation>
        </message>
        <message>
            <source>Send waiting requests now</source>
            <translation>Send waiting requests now</translation>
        </message>
        <message>
            <source>Export waiting requests</source>
            <translation>Export waiting requests</translation>
        </message>
        <message>
            <source>This kiosk</source>
            <translation>This kiosk</translation>
        </message>
        <message>
            <source>Run the self-test</source>
            <translation>Run the self-test</translation>
        </message>
        <message>
            <source>Demo profile</source>
            <translation>Demo profile</translation>
        </message>
        <message>
            <source>Today</source>
            <translation>Today</translation>
        </message>
        <message>
            <source>Recent errors</source>
            <translation>Recent errors</translation>
        </message>
        <message>
            <source>yes</source>
            <translation>yes</translation>
        </message>
        <message>
            <source>no</source>
            <translation>no</translation>
        </message>
        <message>
            <source>not asked yet</source>
            <translation>not asked yet</translation>
        </message>
        <message>
            <source>Waiting: %1</source>
            <translation>Waiting: %1</translation>
        </message>
        <message>
            <source>Delivered today: %1</source>
            <translation>Delivered today: %1</translation>
        </message>
        <message>
            <source>Refused by the server: %1</source>
            <translation>Refused by the server: %1</translation>
        </message>
        <message>
            <source>Oldest waiting: %1</source>
            <translation>Oldest waiting: %1</translation>
        </message>
        <message>
            <source>Server reachable: %1</source>
            <translation>Server reachable: %1</translation>
        </message>
        <message>
            <source>Last delivery: %1</source>
            <translation>Last delivery: %1</translation>
        </message>
        <message>
            <source>No requests are taken: the outbox cannot be opened. The kiosk keeps trying. %1</source>
            <translation>No requests are taken: the outbox cannot be opened. The kiosk keeps trying. %1</translation>
        </message>
        <message>
            <source>Delivery stopped by an error and tries again by itself: %1</source>
            <translation>Delivery stopped by an error and tries again by itself: %1</translation>
        </message>
        <message>
            <source>Delivery waits: no central server token is set.</source>
            <translation>Delivery waits: no central server token is set.</translation>
        </message>
        <message>
            <source>Delivery paused: %1</source>
            <translation>Delivery paused: %1</translation>
        </message>
        <message>
            <source>Version: %1</source>
            <translation>Version: %1</translation>
        </message>
        <message>
            <source>Kiosk number: %1</source>
            <translation>Kiosk number: %1</translation>
        </message>
        <message>
            <source>Central server: %1</source>
            <translation>Central server: %1</translation>
        </message>
        <message>
            <source>Profile: %1</source>
            <translation>Profile: %1</translation>
        </message>
        <message>
            <source>Catalog: %1 (%2)</source>
            <translation>Catalog: %1 (%2)</translation>
        </message>
        <message>
            <source>The newest catalog was refused; the kiosk keeps showing the one above. Why: %1</source>
            <translation>The newest catalog was refused; the kiosk keeps showing the one above. Why: %1</translation>
        </message>
        <message>
            <source>shipped with the kiosk</source>
            <translation>shipped with the kiosk</translation>
        </message>
        <message>
            <source>received earlier from the central server</source>
            <translation>received earlier from the central server</translation>
        </message>
        <message>
            <source>the last good one received from the central server</source>
            <translation>the last good one received from the central server</translation>
        </message>
        <message>
            <source>from the central server</source>
            <translation>from the central server</translation>
        </message>
        <message>
            <source>Most viewed: %1</source>
            <translation>Most viewed: %1</translation>
        </message>
        <message>
            <source>No requests are taken until this kiosk has reached the central server once: it needs the server's key and the last tracking code the server holds for this kiosk.</source>
            <translation>No requests are taken until this kiosk has reached the central server once: it needs the server's key and the last tracking code the server holds for this kiosk.</translation>
        </message>
        <message>
            <source>Most requested: %1</source>
            <translation>Most requested: %1</translation>
        </message>
        <message>
            <source>None</source>
            <translation>None</translation>
        </message>
    </context>
    <context>
        <name>SubmitFailedScreen</name>
        <message>
            <source>We are sorry: your request could not be saved</source>
            <translation>We are sorry: your request could not be saved</translation>
        </message>
        <message>
            <source>Nothing was sent and no tracking code was issued. Please try once more; if it fails again, ask the booth staff for help or use the agency's website shown on the service page.</source>
            <translation>Nothing was sent and no tracking code was issued. Please try once more; if it fails again, ask the booth staff for help or use the agency's website shown on the service page.</translation>
        </message>
        <message>
            <source>Try again</source>
            <translation>Try again</translation>
        </message>
        <message>
            <source>Finish</source>
            <translation>Finish</translation>
        </message>
    </context>
    <context>
        <name>TechnicianCard</name>
        <message>
            <source>Technician</source>
            <translation>Technician</translation>
        </message>
        <message>
            <source>Kiosk number</source>
            <translation>Kiosk number</translation>
        </message>
        <message>
            <source>Server address</source>
            <translation>Server address</translation>
        </message>
        <message>
            <source>New token</source>
            <translation>New token</translation>
        </message>
        <message>
            <source>New PIN</source>
            <translation>New PIN</translation>
        </message>
        <message>
            <source>(unchanged if empty)</source>
            <translation>(unchanged if empty)</translation>
        </message>
        <message>
            <source>Save connection</source>
            <translation>Save connection</translation>
        </message>
        <message>
            <source>Set as booth staff PIN</source>
            <translation>Set as booth staff PIN</translation>
        </message>
        <message>
            <source>Set as technician PIN</source>
            <translation>Set as technician PIN</translation>
        </message>
        <message>
            <source>Exit to the desktop</source>
            <translation>Exit to the desktop</translation>
        </message>
    </context>
    <context>
        <name>TrackScreen</name>
        <message>
            <source>Please type the tracking code first.</source>
            <translation>Please type the tracking code first.</translation>
        </message>
        <message>
            <source>Looking it up…</source>
            <translation>Looking it up…</translation>
        </message>
        <message>
            <source>This code is not right: a digit may be mistyped or two digits swapped.</source>
            <translation>This code is not right: a digit may be mistyped or two digits swapped.</translation>
        </message>
        <message>
            <source>Please read the 12-digit code on your receipt again and type it once more.</source>
            <translation>Please read the 12-digit code on your receipt again and type it once more.</translation>
        </message>
        <message>
            <source>No request with this code was found.</source>
            <translation>No request with this code was found.</translation>
        </message>
        <message>
            <source>Please check the code on your receipt. A request filed minutes ago may not be there yet.</source>
            <translation>Please check the code on your receipt. A request filed minutes ago may not be there yet.</translation>
        </message>
        <message>
            <source>Received: the agency has your request.</source>
            <translation>Received: the agency has your request.</translation>
        </message>
        <message>
            <source>Being reviewed by the agency.</source>
            <translation>Being reviewed by the agency.</translation>
        </message>
        <message>
            <source>Done: the agency has completed your request.</source>
            <translation>Done: the agency has completed your request.</translation>
        </message>
        <message>
            <source>Not accepted by the agency.</source>
            <translation>Not accepted by the agency.</translation>
        </message>
        <message>
            <source>Status: %1</source>
            <translation>Status: %1</translation>
        </message>
        <message>
            <source>Last change: %1</source>
            <translation>Last change: %1</translation>
        </message>
        <message>
            <source>The agency's explanation: %1</source>
            <translation>The agency's explanation: %1</translation>
        </message>
        <message>
            <source>The agency's explanation is not shown at the kiosk. The agency will tell you, in person or by text message.</source>
            <translation>The agency's explanation is not shown at the kiosk. The agency will tell you, in person or by text message.</translation>
        </message>
        <message>
            <source>To see the agency's explanation, type the last 4 digits of the mobile number you gave in your request.</source>
            <translation>To see the agency's explanation, type the last 4 digits of the mobile number you gave in your request.</translation>
        </message>
        <message>
            <source>Last 4 digits of your mobile number</source>
            <translation>Last 4 digits of your mobile number</translation>
        </message>
        <message>
            <source>Show explanation</source>
            <translation>Show explanation</translation>
        </message>
        <message>
            <source>Show the agency's explanation</source>
            <translation>Show the agency's explanation</translation>
        </message>
        <message>
            <source>Please type all 4 digits.</source>
            <translation>Please type all 4 digits.</translation>
        </message>
        <message>
            <source>These digits do not match the mobile number in the request. Please check them and try again.</source>
            <translation>These digits do not match the mobile number in the request. Please check them and try again.</translation>
        </message>
        <message>
            <source>The central server cannot be reached right now. Please try again in a moment.</source>
            <translation>The central server cannot be reached right now. Please try again in a moment.</translation>
        </message>
        <message>
            <source>Too many wrong tries. Please try again in %1 minutes.</source>
            <translation>Too many wrong tries. Please try again in %1 minutes.</translation>
        </message>
        <message>
            <source>Too many wrong tries. Please try again later.</source>
            <translation>Too many wrong tries. Please try again later.</translation>
        </message>
        <message>
            <source>This kiosk still holds your request and sends it as soon as it can.</source>
            <translation>This kiosk still holds your request and sends it as soon as it can.</translation>
        </message>
        <message>
            <source>This kiosk is sending your request right now.</source>
            <translation>This kiosk is sending your request right now.</translation>
        </message>
        <message>
            <source>This kiosk has delivered your request to the agency.</source>
            <translation>This kiosk has delivered your request to the agency.</translation>
        </message>
        <message>
            <source>The central server did not accept this request. Please ask the booth staff.</source>
            <translation>The central server did not accept this request. Please ask the booth staff.</translation>
        </message>
        <message>
            <source>The central server cannot be reached right now, so the agency's answer cannot be shown.</source>
            <translation>The central server cannot be reached right now, so the agency's answer cannot be shown.</translation>
        </message>
        <message>
            <source>Your request has not reached the agency yet.</source>
            <translation>Your request has not reached the agency yet.</translation>
        </message>
        <message>
            <source>Please try again later, or check the agency's website.</source>
            <translation>Please try again later, or check the agency's website.</translation>
        </message>
        <message>
            <source>Service: %1</source>
            <translation>Service: %1</translation>
        </message>
        <message>
            <source>Follow your request</source>
            <translation>Follow your request</translation>
        </message>
        <message>
            <source>Type the 12-digit tracking code printed on your receipt, then tap Check.</source>
            <translation>Type the 12-digit tracking code printed on your receipt, then tap Check.</translation>
        </message>
        <message>
            <source>Tracking code</source>
            <translation>Tracking code</translation>
        </message>
        <message>
            <source>Check</source>
            <translation>Check</translation>
        </message>
        <message>
            <source>Check this tracking code</source>
            <translation>Check this tracking code</translation>
        </message>
    </context>
    <context>
        <name>_AgencyResult</name>
        <message>
            <source>%1 online services</source>
            <translation>%1 online services</translation>
        </message>
    </context>
    <context>
        <name>_ServiceResult</name>
        <message>
            <source>Emergency: call %1, day and night</source>
            <translation>Emergency: call %1, day and night</translation>
        </message>
    </context>
</TS>
